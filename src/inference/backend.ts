/**
 * The one interface the agent talks to. The in-process llama.cpp engine and the HTTP client for
 * OpenAI-compatible servers both implement it.
 */

/** A chat message. */
export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/** One generation request. */
export interface GenerateRequest {
  messages: readonly ChatMessage[];
  /** Most tokens to generate. Default 4096. */
  maxTokens?: number;
  /** GBNF grammar the output must match (local engine only). Default: none. */
  grammar?: string;
  /** Generation stops before any of these strings. Default: none. */
  stop?: readonly string[];
  /** Sampling temperature. Default 0 (greedy). */
  temperature?: number;
  /**
   * Text the output is expected to copy from (e.g. the file being edited); speculation drafts
   * from it. Default: the prompt itself.
   */
  prediction?: string;
  /** Speculative decoding from the prompt/prediction. Default true. */
  speculation?: boolean;
  /**
   * The edit format the reply is asked to write (`"search-replace"`, …), so drafts can follow its
   * structure (local engine only). Default: none.
   */
  editFormat?: string;
  /** Cancels the generation within a token. */
  signal?: AbortSignal;
}

/** Measured facts of one generation (the `stats` event, docs/events.md). */
export interface GenerationStats {
  promptTokens: number;
  /** Prompt tokens reused from the KV cache instead of evaluated. */
  cachedTokens: number;
  outputTokens: number;
  /** Request start to first output token, ms. */
  ttftMs: number;
  /** Evaluated (non-cached) prompt tokens per second. */
  prefillTps: number;
  /** Output tokens per second after the first. */
  decodeTps: number;
  draftProposed: number;
  draftAccepted: number;
}

/** A streamed piece of output, then exactly one `stats` chunk at the end. */
export type GenerateChunk = { type: "text"; text: string } | { type: "stats"; stats: GenerationStats };

/** Static facts of a backend, for `session.start`. */
export interface BackendInfo {
  /** Model name or path as the user gave it. */
  model: string;
  backend: "local" | "http";
  contextSize: number;
}

/**
 * A prompt prefix to prefill in the background (`Backend.warm`), so that a later request whose
 * prompt continues it finds its tokens cached.
 */
export interface WarmRequest {
  /**
   * The prefix as messages. The last one is left open (no end-of-message, no assistant header):
   * a later prompt whose last-but-some message continues its text shares every warmed token.
   */
  messages: readonly ChatMessage[];
  /** Stops warming (within one prefill chunk). */
  signal?: AbortSignal;
  /**
   * Resolve as soon as a server took the job (it warms on after this process exits; the result
   * then says 0 cached). In-process backends ignore it. Default false.
   */
  detach?: boolean;
}

/** How far a warm got. */
export interface WarmResult {
  /** Tokens of the prefix. */
  promptTokens: number;
  /** Of them, held in the backend's cache now (0 when the backend only accepted the job). */
  cachedTokens: number;
  /** Whether the whole prefix is cached (false: a generation, the signal or an error stopped it). */
  complete: boolean;
}

/** Generation backend. */
export interface Backend {
  readonly info: BackendInfo;
  /** Number of tokens `text` takes with this model's tokenizer. */
  countTokens(text: string): Promise<number>;
  /** Streams the answer; throws an AbortError when `signal` fires. */
  generate(request: GenerateRequest): AsyncGenerator<GenerateChunk, void, undefined>;
  /**
   * Prefills a prompt prefix at low priority (optional: backends without it never warm). A
   * `generate` arriving meanwhile waits at most one prefill chunk: warming stops and resolves
   * with what it got. Never rejects for warming's own failures (they resolve incomplete).
   */
  warm?(request: WarmRequest): Promise<WarmResult>;
  close(): Promise<void>;
}

/** Empty stats (before a generation, or for a backend that reports none). */
export function emptyStats(): GenerationStats {
  return {
    promptTokens: 0,
    cachedTokens: 0,
    outputTokens: 0,
    ttftMs: 0,
    prefillTps: 0,
    decodeTps: 0,
    draftProposed: 0,
    draftAccepted: 0,
  };
}
