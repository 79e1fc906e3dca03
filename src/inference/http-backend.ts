/**
 * A Backend over any OpenAI-compatible server (`--endpoint`): llama-server, vLLM, Ollama,
 * LM Studio, `spark serve`. Streams `/chat/completions` over SSE with `fetch`; sends the
 * prediction as OpenAI Predicted Outputs. No retries: a failure is one clear ModelError.
 */
import { ModelError } from "../errors.js";
import { emptyStats, type Backend, type BackendInfo, type GenerateChunk, type GenerateRequest, type GenerationStats } from "./backend.js";

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
  signal?: AbortSignal;
  /** Injected for tests. Default global fetch. */
  fetch?: typeof fetch;
}

const DEFAULT_CONTEXT = 32768;
/** Characters per token when the server cannot tokenize (code averages 3–4; err on the safe side). */
const CHARS_PER_TOKEN = 3;

interface ModelsResponse {
  data?: { id?: string; context_length?: number; max_model_len?: number; meta?: { n_ctx_train?: number; n_ctx?: number } }[];
}

interface ChatChunk {
  choices?: { delta?: { content?: string | null } }[];
  usage?: {
    prompt_tokens?: number;
    completion_tokens?: number;
    prompt_tokens_details?: { cached_tokens?: number };
    completion_tokens_details?: { accepted_prediction_tokens?: number; rejected_prediction_tokens?: number };
  };
}

/** Connects to `opts.endpoint` and reads its model list. */
export async function openHttpBackend(opts: HttpBackendOptions): Promise<Backend> {
  const base = normalizeBase(opts.endpoint);
  const doFetch = opts.fetch ?? fetch;
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (opts.apiKey !== undefined) headers.authorization = `Bearer ${opts.apiKey}`;
  const models = (await call(doFetch, `${base}/models`, { headers, signal: opts.signal }).then((r) => r.json())) as ModelsResponse;
  const entry = opts.model !== undefined ? models.data?.find((m) => m.id === opts.model) : models.data?.[0];
  const model = opts.model ?? entry?.id;
  if (model === undefined) throw new ModelError(`${base} lists no model; pass --model NAME`);
  const reported = entry?.context_length ?? entry?.max_model_len ?? entry?.meta?.n_ctx ?? entry?.meta?.n_ctx_train;
  const info: BackendInfo = { model, backend: "http", contextSize: opts.contextSize ?? reported ?? DEFAULT_CONTEXT };
  return new HttpBackend(base, headers, info, doFetch);
}

function normalizeBase(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new ModelError(`not a URL: ${endpoint}`);
  }
  const trimmed = url.href.replace(/\/+$/, "");
  return /\/v\d+$/.test(trimmed) ? trimmed : `${trimmed}/v1`;
}

async function call(doFetch: typeof fetch, url: string, init: RequestInit): Promise<Response> {
  let res: Response;
  try {
    res = await doFetch(url, init);
  } catch (err) {
    if (init.signal?.aborted) throw err;
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err);
    throw new ModelError(`endpoint unreachable: ${url} (${cause})`, { cause: err });
  }
  if (!res.ok) {
    const body = (await res.text().catch(() => "")).slice(0, 200).replace(/\s+/g, " ");
    throw new ModelError(`endpoint ${url} answered ${res.status}${body ? `: ${body}` : ""}`);
  }
  return res;
}

class HttpBackend implements Backend {
  private tokenizeWorks: boolean | undefined;

  constructor(
    private readonly base: string,
    private readonly headers: Record<string, string>,
    readonly info: BackendInfo,
    private readonly doFetch: typeof fetch,
  ) {}

  /** The server's own count via llama-server's `/tokenize` when it has one, else an estimate. */
  async countTokens(text: string): Promise<number> {
    if (this.tokenizeWorks !== false) {
      try {
        const res = await this.doFetch(`${this.base.replace(/\/v\d+$/, "")}/tokenize`, {
          method: "POST",
          headers: this.headers,
          body: JSON.stringify({ content: text }),
        });
        if (res.ok) {
          const body = (await res.json()) as { tokens?: unknown[] };
          if (Array.isArray(body.tokens)) {
            this.tokenizeWorks = true;
            return body.tokens.length;
          }
        }
      } catch {
        // no tokenizer endpoint: estimate
      }
      this.tokenizeWorks = false;
    }
    return Math.ceil(text.length / CHARS_PER_TOKEN);
  }

  async *generate(request: GenerateRequest): AsyncGenerator<GenerateChunk, void, undefined> {
    const started = performance.now();
    const body = {
      model: this.info.model,
      messages: request.messages,
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: request.maxTokens ?? 4096,
      temperature: request.temperature ?? 0,
      ...(request.stop !== undefined && request.stop.length > 0 ? { stop: request.stop } : {}),
      ...(request.prediction !== undefined && request.speculation !== false ? { prediction: { type: "content", content: request.prediction } } : {}),
    };
    const res = await call(this.doFetch, `${this.base}/chat/completions`, {
      method: "POST",
      headers: this.headers,
      body: JSON.stringify(body),
      signal: request.signal,
    });
    if (res.body === null) throw new ModelError("endpoint sent an empty response");
    let first: number | undefined;
    let pieces = 0;
    let usage: ChatChunk["usage"];
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const bytes of res.body) {
      buffer += decoder.decode(bytes as Uint8Array, { stream: true });
      let nl: number;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        if (!line.startsWith("data:")) continue;
        const data = line.slice(5).trim();
        if (data === "[DONE]") continue;
        let chunk: ChatChunk;
        try {
          chunk = JSON.parse(data) as ChatChunk;
        } catch {
          throw new ModelError(`endpoint sent malformed data: ${data.slice(0, 80)}`);
        }
        if (chunk.usage) usage = chunk.usage;
        const text = chunk.choices?.[0]?.delta?.content;
        if (typeof text === "string" && text.length > 0) {
          first ??= performance.now();
          pieces++;
          yield { type: "text", text };
        }
      }
    }
    yield { type: "stats", stats: statsOf(usage, started, first, pieces) };
  }

  async close(): Promise<void> {}
}

function statsOf(usage: ChatChunk["usage"], started: number, first: number | undefined, pieces: number): GenerationStats {
  const end = performance.now();
  const stats = emptyStats();
  stats.promptTokens = usage?.prompt_tokens ?? 0;
  stats.cachedTokens = usage?.prompt_tokens_details?.cached_tokens ?? 0;
  stats.outputTokens = usage?.completion_tokens ?? pieces;
  stats.ttftMs = Math.round((first ?? end) - started);
  const prefilled = stats.promptTokens - stats.cachedTokens;
  stats.prefillTps = stats.ttftMs > 0 && prefilled > 0 ? prefilled / (stats.ttftMs / 1000) : 0;
  const decodeS = first !== undefined ? (end - first) / 1000 : 0;
  stats.decodeTps = decodeS > 0 && stats.outputTokens > 1 ? (stats.outputTokens - 1) / decodeS : 0;
  const accepted = usage?.completion_tokens_details?.accepted_prediction_tokens ?? 0;
  const rejected = usage?.completion_tokens_details?.rejected_prediction_tokens ?? 0;
  stats.draftAccepted = accepted;
  stats.draftProposed = accepted + rejected;
  return stats;
}
