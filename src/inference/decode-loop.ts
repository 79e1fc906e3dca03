import type { Llama, LlamaContextSequence, LlamaGrammar, LlamaModel, Token } from "node-llama-cpp";
import { abortError } from "../errors.js";
import { emptyStats, type GenerationStats } from "./backend.js";
import { controlledEvaluateTakesGrammar, GrammarCursor } from "./grammar-cursor.js";
import { alignPrefix, eraseFrom } from "./sequence-prefix.js";
import type { Speculator } from "./speculation.js";
import { TextAssembler } from "./text-assembler.js";

/** One decode on one sequence. */
export interface DecodeParams {
  llama: Llama;
  model: LlamaModel;
  sequence: LlamaContextSequence;
  prompt: readonly Token[];
  /** Default 4096. */
  maxTokens?: number;
  /** Default 0 (greedy; the only mode where drafts are verified). */
  temperature?: number;
  grammar?: LlamaGrammar;
  /** Drafts and the policy that sizes them; none = plain decoding. */
  speculator?: Speculator;
  stop?: readonly string[];
  signal?: AbortSignal;
  /** Keep decoding past end-of-generation tokens (the server's `ignore_eos`, benchmarks). Default false. */
  ignoreEog?: boolean;
  /**
   * Teacher forcing, kept as a parameter because benchmarks price real evaluation work on real
   * text: each step's token is the next token of `target` instead of the model's choice (the
   * grammar is not consulted), so timings are those of a model that writes exactly this text.
   * Generation ends with the target.
   */
  target?: readonly Token[];
  /** Prompt tokens per prefill chunk between progress reports and abort checks. Default 512. */
  prefillChunk?: number;
  onPrefillProgress?: (done: number, total: number) => void;
  /**
   * Step observer, kept as a parameter because benchmarks time and check steps from outside: after
   * each verification step, the tokens in its batch, its milliseconds and the tokens it emitted.
   */
  onStep?: (batch: number, ms: number, emitted: readonly Token[]) => void;
  /** Runs when the prompt is in the KV cache (e.g. to note the prefix). */
  onPrefilled?: () => void;
}

/** Seed of the first sampled token when the temperature is above 0 (runs are reproducible). */
const SAMPLING_SEED = 42;

/** Output of the decode loop: text pieces, then one stats record. */
export type DecodeEvent = { type: "text"; text: string } | { type: "stats"; stats: GenerationStats };

interface SampleOptions {
  temperature: number;
  seed?: number;
  grammarEvaluationState?: GrammarCursor["state"];
}
type BatchItem = [Token, { generateNext: { token: true; options: SampleOptions } }];

/**
 * Decoding with our own draft verification (node-llama-cpp 3.22.1's token predictors refute every
 * draft after the first). Each step evaluates [last token, ...drafts] in one batch; the choice after
 * each position is compared with the next draft; the matching prefix is kept and the rest erased
 * from the KV cache. Output is identical with and without drafts.
 *
 * Under a grammar the choice is the grammar-constrained one, as llama.cpp's
 * `common_sampler_sample_and_accept_n` verifies: every position samples under one copy of the
 * grammar state, which each sample advances, so position i sees the state after the tokens chosen
 * before it (the drafts, as long as they matched). A copy forced by the grammar is then accepted in
 * full. Without Spark's node-llama-cpp patch a forbidden greedy choice is re-sampled with the
 * grammar applied, at the cost of a second evaluation.
 */
export async function* decode(p: DecodeParams): AsyncGenerator<DecodeEvent, void, undefined> {
  const { sequence, model, prompt, signal } = p;
  const maxTokens = p.maxTokens ?? 4096;
  const temperature = p.temperature ?? 0;
  if (prompt.length === 0) throw new Error("empty prompt");
  const started = performance.now();
  const stats: GenerationStats = { ...emptyStats(), promptTokens: prompt.length };
  if (signal?.aborted) throw abortError(signal);
  stats.cachedTokens = await alignPrefix(sequence, prompt);
  const toPrefill = prompt.slice(stats.cachedTokens, prompt.length - 1);
  // Small chunks: a CPU prefills 512 tokens in about a second, so Ctrl-C is honoured quickly.
  const chunk = p.prefillChunk ?? 512;
  for (let i = 0; i < toPrefill.length; i += chunk) {
    if (signal?.aborted) throw abortError(signal);
    await sequence.evaluateWithoutGeneratingNewTokens(toPrefill.slice(i, i + chunk));
    p.onPrefillProgress?.(Math.min(i + chunk, toPrefill.length), toPrefill.length);
  }
  p.onPrefilled?.();
  const grammar = p.grammar ? new GrammarCursor(p.llama, model, p.grammar) : undefined;
  const grammarPerItem = grammar !== undefined && controlledEvaluateTakesGrammar();
  const speculator = temperature === 0 ? p.speculator : undefined;
  const text = new TextAssembler(model, p.stop ?? []);
  const history: Token[] = [...prompt];
  let pending = prompt[prompt.length - 1] as Token;
  let firstTokenAt = 0;
  let finished = false;

  while (!finished && stats.outputTokens < maxTokens) {
    if (signal?.aborted) throw abortError(signal);
    const room = Math.max(0, Math.min(maxTokens - stats.outputTokens - 1, sequence.contextSize - sequence.nextTokenIndex - 2));
    const admit = grammar && !p.target ? (tokens: readonly number[]) => grammar.allowedPrefix(p.llama, model, p.grammar as LlamaGrammar, tokens) : undefined;
    const drafts = (speculator && room > 0 ? await speculator.draft(history, room, admit) : []) as Token[];
    const base = sequence.nextTokenIndex;
    // Each step is its own node-llama-cpp call with a freshly seeded sampler, so the seed changes
    // per step: one fixed seed would draw the same random number for every token.
    const options: SampleOptions = temperature > 0 ? { temperature, seed: (SAMPLING_SEED + stats.outputTokens) >>> 0 } : { temperature };
    if (grammarPerItem && !p.target) options.grammarEvaluationState = grammar.state.clone();
    const item = { generateNext: { token: true as const, options } };
    const input: BatchItem[] = [[pending, item]];
    for (const d of drafts) input.push([d, item]);
    const stepStarted = performance.now();
    const results = await sequence.controlledEvaluate(input);
    const emitted: Token[] = [];
    let accepted = 0;
    for (let i = 0; i <= drafts.length; i++) {
      let token = p.target ? (p.target[stats.outputTokens] ?? null) : (results[i]?.next.token ?? null);
      if (p.target && token === null) {
        finished = true;
        await eraseFrom(sequence, base + i + 1);
        break;
      }
      if (token === null || token === undefined) throw new Error("llama.cpp returned no token");
      if (grammar && !p.target) {
        if (!grammarPerItem && !grammar.allows(token)) {
          await eraseFrom(sequence, base + i);
          token = await sampleUnderGrammar(sequence, input[i]?.[0] as Token, grammar, options);
          i = drafts.length; // everything after position i was dropped
        }
        if (!model.isEogToken(token)) grammar.accept(token);
      }
      if (!p.ignoreEog && model.isEogToken(token)) {
        finished = true;
        await eraseFrom(sequence, base + i + 1);
        break;
      }
      emitted.push(token);
      history.push(token);
      stats.outputTokens++;
      pending = token;
      if (i < drafts.length && drafts[i] === token) {
        accepted++;
        continue;
      }
      await eraseFrom(sequence, base + i + 1);
      break;
    }
    const stepMs = performance.now() - stepStarted;
    p.onStep?.(input.length, stepMs, emitted);
    speculator?.settle(accepted, emitted, input.length, stepMs);
    stats.draftProposed += drafts.length;
    stats.draftAccepted += accepted;
    if (emitted.length > 0 && firstTokenAt === 0) firstTokenAt = performance.now();
    const piece = text.push(emitted);
    if (piece.length > 0) yield { type: "text", text: piece };
    if (text.stopped) break;
  }
  const tail = text.flush();
  if (tail.length > 0) yield { type: "text", text: tail };
  const ended = performance.now();
  const prefillMs = (firstTokenAt || ended) - started;
  stats.ttftMs = Math.round(prefillMs * 10) / 10;
  stats.prefillTps = prefillMs > 0 ? round1(((prompt.length - stats.cachedTokens) / prefillMs) * 1000) : 0;
  const decodeMs = ended - (firstTokenAt || ended);
  stats.decodeTps = decodeMs > 0 && stats.outputTokens > 1 ? round1(((stats.outputTokens - 1) / decodeMs) * 1000) : 0;
  yield { type: "stats", stats };
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

/** Evaluates `token` and samples its successor with the grammar applied (node-llama-cpp's sampler). */
async function sampleUnderGrammar(sequence: LlamaContextSequence, token: Token, grammar: GrammarCursor, options: SampleOptions): Promise<Token> {
  // The sampler must not advance our state: give it a copy, we accept the result ourselves.
  const iterator = sequence.evaluate([token], { grammarEvaluationState: grammar.state.clone(), temperature: options.temperature, seed: options.seed, yieldEogToken: true });
  try {
    const { value } = await iterator.next();
    if (value === undefined) throw new Error("llama.cpp returned no token under the grammar");
    return value;
  } finally {
    await iterator.return(undefined);
  }
}
