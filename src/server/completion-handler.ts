/**
 * `/v1/chat/completions` and `/v1/completions`: admission (400/429 before any byte is sent), then
 * a streamed or whole answer. The client going away aborts its generation within a token.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { isAbortError } from "../errors.js";
import { emptyStats, type GenerationStats } from "../inference/index.js";
import { errorBody, HttpError, sendError, sendJson } from "./http-error.js";
import type { ModelService, PreparedJob } from "./model-service.js";
import type { CompletionRequest } from "./openai-request.js";
import {
  chatChunk,
  chatCompletion,
  chatUsageChunk,
  responseHead,
  textChunk,
  textCompletion,
  textUsageChunk,
  timingsOf,
  usageOf,
  type FinishReason,
  type ResponseHead,
} from "./responses.js";
import type { RouteDecision } from "./sequence-router.js";
import { SseWriter } from "./sse.js";

/** What a completion handler needs from the server. */
export interface CompletionContext {
  service: ModelService;
  /** The `model` field of responses. */
  modelName: string;
  /** Aborted when the server gives up draining; ends every generation. */
  shutdownSignal: AbortSignal;
  /** One line per finished request. */
  log: (line: string) => void;
}

/** Header that names a sticky client key, like the `user` field. */
export const SESSION_HEADER = "x-spark-session";

/** Outcome of one generation, for the request log. */
interface Outcome {
  stats: GenerationStats | undefined;
  chars: number;
  error?: unknown;
}

export async function handleCompletion(req: IncomingMessage, res: ServerResponse, request: CompletionRequest, ctx: CompletionContext): Promise<void> {
  const started = performance.now();
  const job = await ctx.service.prepare(request);
  if (job.grammar !== undefined) await ctx.service.checkGrammar(job.grammar);
  const header = req.headers[SESSION_HEADER];
  const key = request.user ?? (typeof header === "string" && header !== "" ? header : undefined);
  const admission = ctx.service.admit(job, key);
  const client = new AbortController();
  const onClose = (): void => {
    if (!res.writableFinished) client.abort(new Error("client disconnected"));
  };
  res.on("close", onClose);
  const signal = AbortSignal.any([client.signal, ctx.shutdownSignal]);
  const head = responseHead(request.kind, ctx.modelName);
  const outcome: Outcome = { stats: undefined, chars: 0 };
  try {
    if (request.stream) await streamAnswer(res, request, job, head, admission.run(signal), outcome);
    else await wholeAnswer(res, request, job, head, admission.run(signal), outcome);
  } finally {
    admission.release();
    res.off("close", onClose);
    ctx.log(describe(req, res, admission.route, outcome, performance.now() - started));
  }
}

type Events = AsyncGenerator<{ type: "text"; text: string } | { type: "stats"; stats: GenerationStats }, void, undefined>;

function finishOf(stats: GenerationStats, job: PreparedJob): FinishReason {
  return stats.outputTokens >= job.maxTokens ? "length" : "stop";
}

async function streamAnswer(res: ServerResponse, request: CompletionRequest, job: PreparedJob, head: ResponseHead, events: Events, outcome: Outcome): Promise<void> {
  const sse = new SseWriter(res);
  sse.open();
  const chat = request.kind === "chat";
  const withUsage = request.includeUsage;
  try {
    if (chat) await sse.send(chatChunk(head, { role: "assistant", content: "" }, null, withUsage));
    for await (const ev of events) {
      if (ev.type === "stats") {
        outcome.stats = ev.stats;
        continue;
      }
      outcome.chars += ev.text.length;
      await sse.send(chat ? chatChunk(head, { content: ev.text }, null, withUsage) : textChunk(head, ev.text, null, withUsage));
    }
    const stats = outcome.stats ?? emptyStats();
    const finish = finishOf(stats, job);
    await sse.send(chat ? chatChunk(head, {}, finish, withUsage, timingsOf(stats)) : textChunk(head, "", finish, withUsage, timingsOf(stats)));
    if (withUsage) {
      const usage = usageOf(stats, job.predicted);
      await sse.send(chat ? chatUsageChunk(head, usage) : textUsageChunk(head, usage));
    }
    sse.done();
  } catch (err) {
    outcome.error = err;
    if (!isAbortError(err)) sse.fail(errorBody(messageOf(err), "server_error", null));
    else if (!res.destroyed) res.destroy();
  }
}

async function wholeAnswer(res: ServerResponse, request: CompletionRequest, job: PreparedJob, head: ResponseHead, events: Events, outcome: Outcome): Promise<void> {
  let text = "";
  try {
    for await (const ev of events) {
      if (ev.type === "stats") outcome.stats = ev.stats;
      else text += ev.text;
    }
  } catch (err) {
    outcome.error = err;
    if (isAbortError(err)) {
      if (!res.destroyed) res.destroy();
    } else sendError(res, err instanceof HttpError ? err : new HttpError(500, messageOf(err), "server_error"));
    return;
  }
  outcome.chars = text.length;
  const stats = outcome.stats ?? emptyStats();
  const finish = finishOf(stats, job);
  const usage = usageOf(stats, job.predicted);
  const timings = timingsOf(stats);
  sendJson(res, 200, request.kind === "chat" ? chatCompletion(head, text, finish, usage, timings) : textCompletion(head, text, finish, usage, timings));
}

function messageOf(err: unknown): string {
  return err instanceof Error ? (err.message.split("\n")[0] ?? err.message) : String(err);
}

function describe(req: IncomingMessage, res: ServerResponse, route: RouteDecision, o: Outcome, ms: number): string {
  const parts = [`${req.method ?? "?"} ${req.url ?? "?"} ${res.statusCode}`, `seq ${route.index} (${route.reason})`];
  if (o.stats) {
    const s = o.stats;
    parts.push(`prompt ${s.promptTokens} (cached ${s.cachedTokens})`, `out ${s.outputTokens}`, `${s.decodeTps} tok/s`);
    if (s.draftProposed > 0) parts.push(`drafts ${s.draftAccepted}/${s.draftProposed}`);
  }
  parts.push(`${Math.round(ms)} ms`);
  if (o.error !== undefined) parts.push(isAbortError(o.error) ? `aborted after ${o.chars} chars (${messageOf(o.error)})` : `failed: ${messageOf(o.error)}`);
  return parts.join(" · ");
}
