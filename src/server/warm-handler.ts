/**
 * `POST /spark/warm`: prefill a prompt prefix in the background (`{messages, user?, wait?}`, the
 * last message left open), so that the client's next request that continues it finds it cached.
 * Answers 202 at once; with `wait: true`, 200 whose body (after keep-alive spaces) comes when
 * warming ends (a client that goes away stops it).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { SESSION_HEADER, type CompletionContext } from "./completion-handler.js";
import { HttpError, sendJson } from "./http-error.js";
import { parseMessages } from "./openai-request.js";
import { SSE_HEARTBEAT_MS } from "./sse.js";

export async function handleWarm(req: IncomingMessage, res: ServerResponse, body: unknown, ctx: CompletionContext): Promise<void> {
  const b = (typeof body === "object" && body !== null ? body : {}) as { messages?: unknown; user?: unknown; wait?: unknown };
  const messages = parseMessages(b.messages);
  if (b.user !== undefined && typeof b.user !== "string") throw new HttpError(400, "user must be a string");
  if (b.wait !== undefined && typeof b.wait !== "boolean") throw new HttpError(400, "wait must be a boolean");
  const header = req.headers[SESSION_HEADER];
  const key = typeof b.user === "string" ? b.user : typeof header === "string" && header !== "" ? header : undefined;
  const started = performance.now();
  const client = new AbortController();
  const onClose = (): void => {
    if (!res.writableFinished) client.abort(new Error("client disconnected"));
  };
  const wait = b.wait === true;
  if (wait) res.on("close", onClose);
  const { route, promptTokens, done } = ctx.service.warm(messages, key, wait ? AbortSignal.any([client.signal, ctx.shutdownSignal]) : ctx.shutdownSignal);
  const head = { object: "spark.warm", sequence: route.index, prompt_tokens: promptTokens };
  void done.then((r) => {
    const ms = Math.round(performance.now() - started);
    ctx.log(`warm · seq ${route.index} (${route.reason}) · prefix ${r.promptTokens} · cached ${r.cachedTokens}${r.complete ? "" : " (stopped)"} · ${ms} ms`);
  });
  if (!wait) return sendJson(res, 202, head);
  // Headers at once and a space now and then (JSON allows leading whitespace): Node's fetch drops
  // a response silent for 300 s, and a long warm on a CPU can take that.
  res.writeHead(200, { "content-type": "application/json" });
  const keepAlive = setInterval(() => res.write(" "), SSE_HEARTBEAT_MS);
  try {
    const r = await done;
    if (!res.destroyed) res.end(JSON.stringify({ ...head, cached_tokens: r.cachedTokens, complete: r.complete }));
  } finally {
    clearInterval(keepAlive);
    res.off("close", onClose);
  }
}
