import type { LlamaContextSequence, Token } from "node-llama-cpp";
import { alignPrefix, eraseFrom } from "./sequence-prefix.js";

/** One timed verification batch: its tokens and milliseconds. */
export interface BatchTiming {
  batch: number;
  ms: number;
}

/**
 * Times verification batches of each size at the depth of `prompt`, as the decode loop runs them
 * (every position sampled greedily), each after an untimed plain step as in a real decode, and
 * erased again. Benchmarks price draft schedules per batch size with it: on a CPU the cost is
 * neither linear nor monotone in the size (see StepCost.batchMs). `tokens` fill the batches (their
 * content does not change the cost).
 */
export async function timeBatches(sequence: LlamaContextSequence, prompt: readonly Token[], tokens: readonly Token[], sizes: readonly number[], rounds: number): Promise<BatchTiming[]> {
  if (prompt.length === 0 || tokens.length === 0) return [];
  await alignPrefix(sequence, prompt);
  const rest = prompt.slice(sequence.nextTokenIndex, prompt.length - 1);
  for (let i = 0; i < rest.length; i += 512) await sequence.evaluateWithoutGeneratingNewTokens(rest.slice(i, i + 512));
  const base = sequence.nextTokenIndex;
  const item = { generateNext: { token: true as const, options: { temperature: 0 } } };
  const batchOf = (n: number, offset: number): [Token, typeof item][] => Array.from({ length: n }, (_, i) => [tokens[(offset + i) % tokens.length] as Token, item]);
  const out: BatchTiming[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const size of sizes) {
      await sequence.controlledEvaluate(batchOf(1, round));
      const started = performance.now();
      await sequence.controlledEvaluate(batchOf(size, round + 1));
      out.push({ batch: size, ms: performance.now() - started });
      await eraseFrom(sequence, base);
    }
  }
  return out;
}
