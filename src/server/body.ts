import type { IncomingMessage } from "node:http";
import { HttpError } from "./http-error.js";

/** Default request body limit: 8 MiB (a 128k-token prompt is ~0.5 MB of text). */
export const DEFAULT_BODY_LIMIT = 8 * 1024 * 1024;

/**
 * Reads and parses a JSON body of at most `limit` bytes. Over the limit: 413. The rest of an
 * oversized body is read and dropped (up to 4× the limit, then the connection is cut) rather than
 * destroying the socket at once, so the client still gets to read the 413.
 */
export function readJsonBody(req: IncomingMessage, limit: number = DEFAULT_BODY_LIMIT): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"]);
    let size = 0;
    let over = Number.isFinite(declared) && declared > limit;
    const chunks: Buffer[] = [];
    if (over) reject(tooLarge(limit));
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (over) {
        if (size > 4 * limit) req.destroy();
        return;
      }
      if (size > limit) {
        over = true;
        chunks.length = 0;
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on("error", (err) => reject(new HttpError(400, `cannot read the request body: ${err.message}`)));
    req.on("end", () => {
      if (over) return;
      const text = Buffer.concat(chunks).toString("utf8");
      if (text.trim() === "") return reject(new HttpError(400, "request body is empty; expected JSON"));
      try {
        resolve(JSON.parse(text) as unknown);
      } catch {
        reject(new HttpError(400, "request body is not valid JSON"));
      }
    });
  });
}

function tooLarge(limit: number): HttpError {
  return new HttpError(413, `request body exceeds ${limit} bytes`, "invalid_request_error", "request_too_large");
}
