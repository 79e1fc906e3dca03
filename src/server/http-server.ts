/**
 * The HTTP front of `spark serve` (node:http): routing, auth, body limit, and a graceful
 * shutdown that stops accepting, lets in-flight requests finish, then closes.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { bearerMatches, hostHeaderAllowed } from "./auth.js";
import { DEFAULT_BODY_LIMIT, readJsonBody } from "./body.js";
import { handleCompletion } from "./completion-handler.js";
import { HttpError, sendError, sendJson } from "./http-error.js";
import type { ModelService } from "./model-service.js";
import { parseChatRequest, parseCompletionRequest } from "./openai-request.js";
import { handleWarm } from "./warm-handler.js";

/** Options of `startServer`. */
export interface ServerOptions {
  service: ModelService;
  /** Model id in `/v1/models` and responses. */
  modelName: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 = any free port. Default 8080. */
  port?: number;
  /** Bearer token every request must carry (except `/health`). Default none. */
  apiKey?: string;
  /** Largest request body in bytes. Default 8 MiB. */
  bodyLimit?: number;
  /** One line per request and per lifecycle step. Default: none. */
  log?: (line: string) => void;
}

/** A listening server. */
export interface SparkServer {
  /** Base URL for OpenAI clients, e.g. `http://127.0.0.1:8080/v1`. */
  readonly url: string;
  readonly port: number;
  /** Requests being answered. */
  inFlight(): number;
  /**
   * Stops accepting, waits for in-flight requests (aborting them after `graceMs`, default 30 s),
   * then closes every connection.
   */
  shutdown(graceMs?: number): Promise<void>;
}

const CREATED = Math.floor(Date.now() / 1000);

export async function startServer(opts: ServerOptions): Promise<SparkServer> {
  const log = opts.log ?? (() => undefined);
  const shutdownController = new AbortController();
  let closing = false;
  let inFlight = 0;
  let drained: (() => void) | undefined;

  const ctx = { service: opts.service, modelName: opts.modelName, shutdownSignal: shutdownController.signal, log };
  const server = createServer((req, res) => {
    inFlight++;
    res.on("close", () => {
      inFlight--;
      if (closing && inFlight === 0) drained?.();
    });
    if (closing) {
      res.setHeader("connection", "close");
      sendError(res, new HttpError(503, "the server is shutting down", "server_error", "shutting_down"));
      return;
    }
    route(req, res).catch((err: unknown) => {
      const httpErr = err instanceof HttpError ? err : new HttpError(500, err instanceof Error ? err.message : String(err), "server_error");
      if (httpErr.status >= 500 || httpErr.status === 429) log(`${req.method ?? "?"} ${req.url ?? "?"} ${httpErr.status} · ${httpErr.message}`);
      if (!res.headersSent) sendError(res, httpErr);
      else if (!res.writableEnded) res.end();
      // Leave an unread (e.g. oversized) body for node to drain; the answer is already sent.
      req.resume();
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? "/").split("?")[0]?.replace(/\/+$/, "") || "/";
    const allowed = opts.apiKey !== undefined ? bearerMatches(req.headers.authorization, opts.apiKey) : hostHeaderAllowed(req.headers.host);
    // Liveness is public; the model path, pid and load are for those allowed to use the server.
    if (path === "/health") return sendJson(res, 200, allowed ? { status: "ok", pid: process.pid, model: opts.modelName, ...opts.service.load() } : { status: "ok" });
    if (opts.apiKey !== undefined) {
      if (!allowed) {
        throw new HttpError(401, "missing or wrong API key (send Authorization: Bearer KEY)", "authentication_error", "invalid_api_key", { "www-authenticate": "Bearer" });
      }
    } else if (!allowed) {
      throw new HttpError(403, "this server has no API key and only answers requests addressed to localhost", "invalid_request_error", "host_not_allowed");
    }
    const endpoint = path.replace(/^\/v1(?=\/|$)/, "");
    if (req.method === "GET" && endpoint === "/models") return sendJson(res, 200, { object: "list", data: [modelEntry()] });
    if (req.method === "GET" && endpoint.startsWith("/models/")) {
      if (decodeURIComponent(endpoint.slice("/models/".length)) !== opts.modelName) throw new HttpError(404, "no such model", "not_found_error", "model_not_found");
      return sendJson(res, 200, modelEntry());
    }
    const post = endpoint === "/chat/completions" || endpoint === "/completions" || path === "/spark/tokenize" || path === "/spark/warm";
    if (!post) throw new HttpError(404, `no route ${req.method ?? ""} ${path}`, "not_found_error");
    if (req.method !== "POST") throw new HttpError(405, `${path} takes POST`, "invalid_request_error");
    // Requiring JSON makes a browser preflight any cross-site request, which then fails (no CORS).
    if (!/^application\/json\b/i.test(req.headers["content-type"] ?? "")) throw new HttpError(415, "Content-Type must be application/json");
    const body = await readJsonBody(req, opts.bodyLimit ?? DEFAULT_BODY_LIMIT);
    if (path === "/spark/tokenize") {
      const content = (body as { content?: unknown }).content;
      if (typeof content !== "string") throw new HttpError(400, "content must be a string");
      return sendJson(res, 200, { count: await opts.service.countTokens(content) });
    }
    if (path === "/spark/warm") return handleWarm(req, res, body, ctx);
    const request = endpoint === "/chat/completions" ? parseChatRequest(body) : parseCompletionRequest(body);
    await handleCompletion(req, res, request, ctx);
  }

  function modelEntry(): object {
    const n = opts.service.contextSize;
    return { id: opts.modelName, object: "model", created: CREATED, owned_by: "spark", context_length: n, meta: { n_ctx: n, sequences: opts.service.sequences } };
  }

  const host = opts.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 8080, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const clientHost = host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "[::1]" : host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;

  return {
    url: `http://${clientHost}:${port}/v1`,
    port,
    inFlight: () => inFlight,
    async shutdown(graceMs = 30_000) {
      if (closing) return;
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      log(`shutting down: no new connections; draining ${inFlight} request(s)`);
      if (inFlight > 0) {
        const timer = setTimeout(() => shutdownController.abort(new Error("server shutting down")), graceMs);
        await new Promise<void>((resolve) => (drained = resolve));
        clearTimeout(timer);
      }
      server.closeAllConnections();
      await opts.service.stopWarming();
      await closed;
    },
  };
}
