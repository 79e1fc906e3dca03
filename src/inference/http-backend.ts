/**
 * A Backend over any OpenAI-compatible server (`--endpoint`): llama-server, vLLM, Ollama,
 * LM Studio, a hosted API, or `spark serve`. Uses the official `openai` client with streaming and
 * sends the prediction as OpenAI Predicted Outputs. Against a Spark server it also counts tokens
 * exactly (`/spark/tokenize`) and passes grammars. Failures are one-line ModelErrors.
 */
import { APIConnectionError, APIError, APIUserAbortError, OpenAI } from "openai";
import type { ChatCompletionChunk, ChatCompletionCreateParamsStreaming } from "openai/resources/chat/completions";
import { abortError, ModelError } from "../errors.js";
import { debugNote } from "../debug-note.js";
import { emptyStats, type Backend, type BackendInfo, type GenerateChunk, type GenerateRequest, type GenerationStats, type WarmRequest, type WarmResult } from "./backend.js";

/** Options of `openHttpBackend`. */
export interface HttpBackendOptions {
  /** Base URL, e.g. `http://127.0.0.1:8080/v1` (a missing `/v1` is added). */
  endpoint: string;
  /** Model name to request. Default: the first of `GET /models`. */
  model?: string;
  /** Bearer token. Default none. */
  apiKey?: string;
  /** Context size. Default: what `/models` reports, else 32768. */
  contextSize?: number;
  /** Cancels connecting. */
  signal?: AbortSignal;
  /** Injected for tests. Default global fetch. */
  fetch?: typeof fetch;
}

const DEFAULT_CONTEXT = 32768;
/** UTF-8 bytes per token when the server cannot count (code BPE averages 3–4). */
const BYTES_PER_TOKEN = 4;
/** First bytes of a long prefill on a slow server may take minutes; a stream has no end limit. */
const REQUEST_TIMEOUT_MS = 60 * 60 * 1000;

/** `/models` entries carry context sizes under engine-specific names. */
interface ModelEntry {
  id: string;
  owned_by?: string;
  context_length?: number;
  max_model_len?: number;
  meta?: { n_ctx?: number; n_ctx_train?: number };
}

/** Usage plus the extras Spark and llama-server send. */
interface ChunkExtras {
  usage?: {
    prompt_tokens?: number;
    completion_tokens?: number;
    prompt_tokens_details?: { cached_tokens?: number } | null;
    completion_tokens_details?: { accepted_prediction_tokens?: number; rejected_prediction_tokens?: number } | null;
  } | null;
  timings?: { cache_n?: number; draft_n?: number; draft_n_accepted?: number };
}

/** Connects to `opts.endpoint` and reads its model list. */
export async function openHttpBackend(opts: HttpBackendOptions): Promise<Backend> {
  const baseURL = normalizeBase(opts.endpoint);
  const client = new OpenAI({
    baseURL,
    // The client insists on a key; servers without auth ignore this one.
    apiKey: opts.apiKey ?? "no-key",
    timeout: REQUEST_TIMEOUT_MS,
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
  let entries: ModelEntry[];
  try {
    const page = await client.models.list({ signal: opts.signal, maxRetries: 0, timeout: 10_000 });
    entries = page.data as unknown as ModelEntry[];
  } catch (err) {
    throw backendError(err, baseURL, opts.signal);
  }
  const entry = opts.model !== undefined ? (entries.find((m) => m.id === opts.model) ?? (entries.length === 1 ? entries[0] : undefined)) : entries[0];
  const model = opts.model ?? entry?.id;
  if (model === undefined) throw new ModelError(`${baseURL} lists no model; pass --model NAME`);
  const reported = entry?.context_length ?? entry?.max_model_len ?? entry?.meta?.n_ctx ?? entry?.meta?.n_ctx_train;
  const info: BackendInfo = { model, backend: "http", contextSize: opts.contextSize ?? reported ?? DEFAULT_CONTEXT };
  return new HttpBackend(client, baseURL, info, entry?.owned_by === "spark", opts.apiKey, opts.fetch ?? fetch);
}

function normalizeBase(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new ModelError(`not a URL: ${endpoint}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new ModelError(`not an http(s) URL: ${endpoint}`);
  const trimmed = url.href.replace(/\/+$/, "");
  return /\/v\d+$/.test(trimmed) ? trimmed : `${trimmed}/v1`;
}

/** One line for the person: unreachable, or what the server answered. */
function backendError(err: unknown, baseURL: string, signal: AbortSignal | undefined): Error {
  if (err instanceof APIUserAbortError || signal?.aborted) return abortError(signal);
  if (err instanceof APIConnectionError) {
    const cause = err.cause instanceof Error ? (err.cause.cause instanceof Error ? err.cause.cause.message : err.cause.message) : err.message;
    return new ModelError(`endpoint unreachable: ${baseURL} (${cause})`, { cause: err });
  }
  if (err instanceof APIError) return new ModelError(`endpoint ${baseURL} answered ${err.message.replace(/\s+/g, " ").slice(0, 200)}`, { cause: err });
  return err instanceof Error ? err : new ModelError(String(err));
}

class HttpBackend implements Backend {
  private tokenizeWorks: boolean | undefined;
  /** Only a `spark serve` warms (`POST /spark/warm`). */
  readonly warm?: (request: WarmRequest) => Promise<WarmResult>;

  constructor(
    private readonly client: OpenAI,
    private readonly baseURL: string,
    readonly info: BackendInfo,
    /** A `spark serve`: exact token counts and grammars. */
    private readonly spark: boolean,
    private readonly apiKey: string | undefined,
    private readonly doFetch: typeof fetch,
  ) {
    if (spark) this.warm = (request) => this.serverWarm(request);
  }

  /** Asks the server to prefill the prefix; never rejects (a failure is a debug note). */
  private async serverWarm(request: WarmRequest): Promise<WarmResult> {
    const none: WarmResult = { promptTokens: 0, cachedTokens: 0, complete: false };
    try {
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (this.apiKey !== undefined) headers.authorization = `Bearer ${this.apiKey}`;
      const body = JSON.stringify({ messages: request.messages, wait: request.detach !== true });
      const res = await this.doFetch(`${this.baseURL.replace(/\/v\d+$/, "")}/spark/warm`, { method: "POST", headers, body, ...(request.signal ? { signal: request.signal } : {}) });
      const answer = (await res.json()) as { prompt_tokens?: unknown; cached_tokens?: unknown; complete?: unknown };
      if (!res.ok) throw new Error(`answered ${res.status}`);
      const promptTokens = typeof answer.prompt_tokens === "number" ? answer.prompt_tokens : 0;
      const cachedTokens = typeof answer.cached_tokens === "number" ? answer.cached_tokens : 0;
      return { promptTokens, cachedTokens, complete: answer.complete === true };
    } catch (err) {
      if (!request.signal?.aborted) debugNote("warming failed", err);
      return none;
    }
  }

  /** Spark's or llama-server's own count when the server has one, else UTF-8 bytes / 4. */
  async countTokens(text: string): Promise<number> {
    if (this.tokenizeWorks !== false) {
      const root = this.baseURL.replace(/\/v\d+$/, "");
      const count = await this.serverCount(this.spark ? `${root}/spark/tokenize` : `${root}/tokenize`, text);
      if (count !== undefined) {
        this.tokenizeWorks = true;
        return count;
      }
      this.tokenizeWorks = false;
    }
    return Math.ceil(Buffer.byteLength(text, "utf8") / BYTES_PER_TOKEN);
  }

  private async serverCount(url: string, text: string): Promise<number | undefined> {
    try {
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (this.apiKey !== undefined) headers.authorization = `Bearer ${this.apiKey}`;
      const res = await this.doFetch(url, { method: "POST", headers, body: JSON.stringify({ content: text }), signal: AbortSignal.timeout(30_000) });
      if (!res.ok) return undefined;
      const body = (await res.json()) as { count?: unknown; tokens?: unknown };
      if (typeof body.count === "number") return body.count;
      return Array.isArray(body.tokens) ? body.tokens.length : undefined;
    } catch {
      return undefined;
    }
  }

  async *generate(request: GenerateRequest): AsyncGenerator<GenerateChunk, void, undefined> {
    const started = performance.now();
    const params: ChatCompletionCreateParamsStreaming & { grammar?: string } = {
      model: this.info.model,
      messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: request.maxTokens ?? 4096,
      temperature: request.temperature ?? 0,
      ...(request.stop !== undefined && request.stop.length > 0 ? { stop: [...request.stop] } : {}),
      ...(request.prediction !== undefined && request.prediction !== "" && request.speculation !== false ? { prediction: { type: "content", content: request.prediction } } : {}),
      ...(this.spark && request.grammar !== undefined ? { grammar: request.grammar } : {}),
    };
    let first: number | undefined;
    let pieces = 0;
    let extras: ChunkExtras = {};
    try {
      const stream = await this.client.chat.completions.create(params, { signal: request.signal });
      for await (const chunk of stream as AsyncIterable<ChatCompletionChunk & ChunkExtras>) {
        if (chunk.usage) extras = { ...extras, usage: chunk.usage };
        if (chunk.timings) extras = { ...extras, timings: chunk.timings };
        const text = chunk.choices?.[0]?.delta?.content;
        if (typeof text === "string" && text.length > 0) {
          first ??= performance.now();
          pieces++;
          yield { type: "text", text };
        }
      }
    } catch (err) {
      throw backendError(err, this.baseURL, request.signal);
    }
    // The client ends a stream quietly when its signal fires.
    if (request.signal?.aborted) throw abortError(request.signal);
    yield { type: "stats", stats: statsOf(extras, started, first, pieces) };
  }

  async close(): Promise<void> {}
}

/** Server-reported counts, with times measured here (what the user actually waited). */
export function statsOf(extras: ChunkExtras, started: number, first: number | undefined, pieces: number, end = performance.now()): GenerationStats {
  const { usage, timings } = extras;
  const stats = emptyStats();
  stats.promptTokens = usage?.prompt_tokens ?? 0;
  stats.cachedTokens = usage?.prompt_tokens_details?.cached_tokens ?? timings?.cache_n ?? 0;
  stats.outputTokens = usage?.completion_tokens ?? pieces;
  stats.ttftMs = Math.round(((first ?? end) - started) * 10) / 10;
  const prefilled = stats.promptTokens - stats.cachedTokens;
  stats.prefillTps = stats.ttftMs > 0 && prefilled > 0 ? round1(prefilled / (stats.ttftMs / 1000)) : 0;
  const decodeS = first !== undefined ? (end - first) / 1000 : 0;
  stats.decodeTps = decodeS > 0 && stats.outputTokens > 1 ? round1((stats.outputTokens - 1) / decodeS) : 0;
  const accepted = usage?.completion_tokens_details?.accepted_prediction_tokens ?? 0;
  const rejected = usage?.completion_tokens_details?.rejected_prediction_tokens ?? 0;
  if (accepted + rejected > 0) {
    stats.draftAccepted = accepted;
    stats.draftProposed = accepted + rejected;
  } else {
    stats.draftAccepted = timings?.draft_n_accepted ?? 0;
    stats.draftProposed = timings?.draft_n ?? 0;
  }
  return stats;
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
