import type { ServerResponse } from "node:http";

/** OpenAI's error `type`s that clients switch on. */
export type OpenAIErrorType = "invalid_request_error" | "authentication_error" | "rate_limit_error" | "server_error" | "not_found_error";

/** A request that ends in an HTTP error with an OpenAI-shaped body. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: OpenAIErrorType = "invalid_request_error",
    readonly code: string | null = null,
    /** Extra response headers (e.g. Retry-After). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = "HttpError";
  }
}

/** `{error: {message, type, param, code}}`, as OpenAI sends it. */
export function errorBody(message: string, type: OpenAIErrorType, code: string | null): { error: { message: string; type: OpenAIErrorType; param: null; code: string | null } } {
  return { error: { message, type, param: null, code } };
}

/** Writes a JSON response (no-op when the client is gone or headers were sent). */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/** Writes `err` as an OpenAI error response. */
export function sendError(res: ServerResponse, err: HttpError): void {
  sendJson(res, err.status, errorBody(err.message, err.type, err.code), err.headers);
}
