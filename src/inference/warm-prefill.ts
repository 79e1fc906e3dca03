/**
 * Background prefill ("warming"): a prompt prefix is evaluated into a KV sequence a chunk at a
 * time, at the lowest priority. A generation on the same sequence stops it before its next chunk;
 * a generation on another sequence pauses it until no generation runs. So a real request waits
 * at most one warm chunk, and what was warmed stays cached for the prompts that continue it.
 */
import type { LlamaContextSequence, Token } from "node-llama-cpp";
import type { WarmResult } from "./backend.js";
import { eraseFrom } from "./sequence-prefix.js";

/** Tokens of the first warm chunk; later ones are sized to take about `WARM_CHUNK_MS`. */
export const WARM_CHUNK = 128;
/** What a warm chunk should take: the longest a generation waits for warming. */
export const WARM_CHUNK_MS = 1000;
const MIN_CHUNK = 16;
const MAX_CHUNK = 1024;

/** One warm on the engine. */
export interface EngineWarmRequest {
  prompt: readonly Token[];
  /** Which KV sequence. Default 0. */
  sequence?: number;
  signal?: AbortSignal;
  /** Tokens per chunk, fixed. Default: `WARM_CHUNK`, then what this machine prefills in `WARM_CHUNK_MS`. */
  chunk?: number;
  /** After each chunk: tokens of the prompt now cached, and its length (tests, progress). */
  onChunk?: (cached: number, total: number) => void;
}

/** Who runs on the engine: generations pre-empt warms. */
export class WarmPriority {
  private active = 0;
  private readonly waiters = new Set<() => void>();
  private readonly warms = new Map<number, AbortController>();

  /** A generation starts on `index` (a warm there stops at its next chunk); call the result when it ends. */
  generationStarts(index: number): () => void {
    this.warms.get(index)?.abort();
    this.active++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.active--;
      if (this.active > 0) return;
      for (const wake of this.waiters) wake();
      this.waiters.clear();
    };
  }

  /** A warm starts on `index` (an earlier warm there stops: the newer prefix supersedes it). */
  warmStarts(index: number, outer: AbortSignal | undefined): { signal: AbortSignal; end(): void } {
    this.warms.get(index)?.abort();
    const own = new AbortController();
    this.warms.set(index, own);
    return {
      signal: outer !== undefined ? AbortSignal.any([own.signal, outer]) : own.signal,
      end: () => {
        if (this.warms.get(index) === own) this.warms.delete(index);
      },
    };
  }

  /** Resolves once no generation runs (at once when none does), or when `signal` fires. */
  idle(signal: AbortSignal): Promise<void> {
    if (this.active === 0 || signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        this.waiters.delete(done);
        signal.removeEventListener("abort", done);
        resolve();
      };
      this.waiters.add(done);
      signal.addEventListener("abort", done, { once: true });
    });
  }
}

/**
 * Prefills `prompt` into `sequence` from where what it holds diverges; a sequence that already
 * holds the whole prefix (and perhaps a conversation after it) is left as it is, and so is one
 * whose warm stops before its first chunk.
 */
export async function prefillWarm(
  sequence: LlamaContextSequence,
  prompt: readonly Token[],
  o: { signal: AbortSignal; idle: () => Promise<void>; chunk?: number; onChunk?: (cached: number, total: number) => void },
): Promise<WarmResult> {
  const keep = sequence.compareContextTokens([...prompt]).firstDifferentIndex;
  let chunk = Math.max(1, o.chunk ?? WARM_CHUNK);
  let at = keep;
  while (at < prompt.length) {
    await o.idle();
    if (o.signal.aborted) break;
    // Only now: a warm stopped before its first chunk leaves what the sequence held (a conversation).
    if (at === keep) await eraseFrom(sequence, keep);
    const piece = prompt.slice(at, at + chunk);
    const started = performance.now();
    await sequence.evaluateWithoutGeneratingNewTokens(piece);
    // A loaded CPU may prefill 10 tokens a second, a GPU thousands: chunks follow the speed.
    const ms = performance.now() - started;
    if (o.chunk === undefined && ms > 0) chunk = Math.round(Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, (piece.length * WARM_CHUNK_MS) / ms)));
    at += piece.length;
    o.onChunk?.(at, prompt.length);
  }
  return { promptTokens: prompt.length, cachedTokens: at, complete: at === prompt.length };
}
