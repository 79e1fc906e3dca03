/**
 * The resident model as the server uses it: requests become prompt tokens (chat template,
 * prediction, forced-reply test seam), are routed to a KV sequence and wait their turn there.
 */
import type { Token } from "node-llama-cpp";
import { debugNote } from "../debug-note.js";
import { ForcedReplies, type ChatMessage, type DecodeEvent, type LocalEngine, type WarmResult } from "../inference/index.js";
import { chatPromptTokens, openPromptTokens } from "../inference/runtime.js";
import { HttpError } from "./http-error.js";
import { countTokensSliced, SLICE_CHARS } from "./sliced-tokenize.js";
import type { CompletionRequest } from "./openai-request.js";
import { QueueFullError, SequenceGate } from "./sequence-gate.js";
import { SequenceRouter, type RouteDecision } from "./sequence-router.js";

/** Options of the service. */
export interface ModelServiceOptions {
  engine: LocalEngine;
  /** Requests that may wait for a busy sequence before 429. Default 16. */
  maxWaiting?: number;
  /** Seconds a 429 asks the client to wait. Default 1. */
  retryAfterS?: number;
  /** Reads SPARK_FORCED_REPLY (test seam). Default process.env. */
  env?: NodeJS.ProcessEnv;
}

/** A request in engine terms. */
export interface PreparedJob {
  prompt: Token[];
  /** Speculation source: prompt + prediction; undefined = the prompt. */
  draftSource: Token[] | undefined;
  maxTokens: number;
  temperature: number;
  grammar: string | undefined;
  stop: string[];
  ignoreEos: boolean;
  /** The request carried a prediction (usage then reports accepted/rejected prediction tokens). */
  predicted: boolean;
}

/** A request that has its place on a sequence. */
export interface Admission {
  readonly route: RouteDecision;
  /** Waits for the sequence, then streams the generation. Releases the place when done. */
  run(signal: AbortSignal): AsyncGenerator<DecodeEvent, void, undefined>;
  /** Gives the place up without running (idempotent; `run` does it itself). */
  release(): void;
}

export class ModelService {
  readonly sequences: number;
  readonly contextSize: number;
  private readonly gate: SequenceGate;
  private readonly router: SequenceRouter;
  private readonly forced: ForcedReplies | undefined;
  private readonly retryAfterS: number;
  /** Background warms: stopped and awaited on shutdown, before the engine goes. */
  private readonly warmStop = new AbortController();
  private readonly warms = new Set<Promise<WarmResult>>();

  constructor(private readonly opts: ModelServiceOptions) {
    const engine = opts.engine;
    this.sequences = engine.context.totalSequences;
    this.contextSize = engine.plan.contextSize;
    this.gate = new SequenceGate(this.sequences, opts.maxWaiting ?? 16);
    this.router = new SequenceRouter(this.sequences, (i) => engine.sequenceTokens(i), (i) => this.gate.busy(i));
    this.forced = ForcedReplies.fromEnv(opts.env ?? process.env);
    this.retryAfterS = opts.retryAfterS ?? 1;
  }

  /** Requests waiting for a sequence / running on one. */
  load(): { waiting: number; running: number } {
    return { waiting: this.gate.waiting, running: this.gate.running };
  }

  /** Tokens in `text` (a long one a slice at a time, so other requests are answered meanwhile). */
  countTokens(text: string): Promise<number> {
    return countTokensSliced(text, (piece) => this.opts.engine.tokenize(piece, false).length);
  }

  /**
   * Tokenizes and checks the request; throws a 400 HttpError when it cannot fit. A long prompt is
   * first counted a slice at a time, stopping as soon as it surely cannot fit, so that only a
   * prompt that may fit (at most a context's worth of tokens) is tokenized in one go.
   */
  async prepare(request: CompletionRequest): Promise<PreparedJob> {
    const engine = this.opts.engine;
    const text = request.kind === "chat" ? request.messages.map((m) => m.content).join("\n") : request.prompt;
    if (text.length > SLICE_CHARS) {
      // Slices may each tokenize a little differently at their edges: allow for that.
      const slack = 2 * Math.ceil(text.length / SLICE_CHARS);
      const limit = this.contextSize + slack;
      const count = await countTokensSliced(text, (piece) => engine.tokenize(piece, false).length, limit);
      if (count > limit) {
        throw new HttpError(400, `the prompt has more than ${this.contextSize} tokens, this server's context`, "invalid_request_error", "context_length_exceeded");
      }
    }
    const prompt = request.kind === "chat" ? chatPromptTokens(engine.model, request.messages) : engine.tokenize(request.prompt, true);
    if (prompt.length === 0) throw new HttpError(400, "the prompt is empty after tokenization");
    const room = this.contextSize - prompt.length - 1;
    if (room < 1) {
      throw new HttpError(400, `the prompt has ${prompt.length} tokens; this server's context is ${this.contextSize}`, "invalid_request_error", "context_length_exceeded");
    }
    const prediction = request.prediction !== undefined && request.prediction !== "" ? request.prediction : undefined;
    return {
      prompt,
      draftSource: prediction !== undefined ? [...prompt, ...engine.tokenize(prediction, false)] : undefined,
      maxTokens: Math.min(request.maxTokens ?? room, room),
      temperature: request.temperature,
      grammar: request.grammar,
      stop: request.stop,
      ignoreEos: request.ignoreEos,
      predicted: prediction !== undefined,
    };
  }

  /** Rejects with a 400 HttpError when `grammar` is not valid GBNF (before the request takes a place). */
  async checkGrammar(grammar: string): Promise<void> {
    try {
      await this.opts.engine.checkGrammar(grammar);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new HttpError(400, `grammar is not valid GBNF (${reason})`, "invalid_request_error", "invalid_grammar");
    }
  }

  /**
   * Prefills `messages` (the last one left open) on the sequence a request with this prefix and
   * `key` would go to, at the lowest priority (a request there stops it within one chunk).
   * Throws a 400 HttpError when it cannot fit; `done` never rejects.
   */
  warm(messages: readonly ChatMessage[], key: string | undefined, signal?: AbortSignal): { route: RouteDecision; promptTokens: number; done: Promise<WarmResult> } {
    const prompt = openPromptTokens(this.opts.engine.model, messages);
    if (prompt.length === 0) throw new HttpError(400, "the prefix is empty after tokenization");
    if (prompt.length >= this.contextSize) {
      throw new HttpError(400, `the prefix has ${prompt.length} tokens; this server's context is ${this.contextSize}`, "invalid_request_error", "context_length_exceeded");
    }
    const route = this.router.route(prompt, key);
    const stop = signal !== undefined ? AbortSignal.any([this.warmStop.signal, signal]) : this.warmStop.signal;
    const done = this.opts.engine.warm({ prompt, sequence: route.index, signal: stop }).catch((err: unknown): WarmResult => {
      debugNote("warming failed", err);
      return { promptTokens: prompt.length, cachedTokens: 0, complete: false };
    });
    this.warms.add(done);
    void done.finally(() => this.warms.delete(done));
    return { route, promptTokens: prompt.length, done };
  }

  /** Stops every warm and waits for them (before the engine is disposed). */
  async stopWarming(): Promise<void> {
    this.warmStop.abort();
    await Promise.all([...this.warms]);
  }

  /** Routes `job` to a sequence and takes a place there; throws a 429 HttpError when the queue is full. */
  admit(job: PreparedJob, key?: string): Admission {
    const route = this.router.route(job.prompt, key);
    let turn;
    try {
      turn = this.gate.enter(route.index);
    } catch (err) {
      if (err instanceof QueueFullError) {
        throw new HttpError(429, `${err.message}; retry after ${this.retryAfterS} s`, "rate_limit_error", "queue_full", { "retry-after": String(this.retryAfterS) });
      }
      throw err;
    }
    const forcedText = this.forced?.next();
    // Teacher-forced in canonical tokens (see LocalBackend.generate).
    const target = forcedText !== undefined ? this.opts.engine.tokenize(forcedText, false) : undefined;
    const grammar = target ? undefined : job.grammar;
    const engine = this.opts.engine;
    const t = turn;
    return {
      route,
      release: () => t.leave(),
      async *run(signal: AbortSignal) {
        try {
          await t.ready(signal);
          yield* engine.generate({
            prompt: job.prompt,
            maxTokens: job.maxTokens,
            temperature: job.temperature,
            grammar,
            target,
            stop: job.stop,
            draftSource: job.draftSource,
            signal,
            sequence: route.index,
            ignoreEog: job.ignoreEos,
          });
        } finally {
          t.leave();
        }
      },
    };
  }
}
