import type { Token } from "node-llama-cpp";
import type { LocalEngine } from "../inference/runtime.js";
import { median } from "../median.js";
import { codeTokens, run } from "./bench-run.js";

/** Depths `spark bench` decodes at: an empty context, a file or two, a packed repository. */
export const DEFAULT_DEPTHS = [0, 4096, 16384] as const;

/** Plain decode tok/s at each depth (as llama-bench's `tg -d`), in ascending order (each depth prefills only what the last one lacked). */
export async function measureDecodeAtDepths(engine: LocalEngine, depths: readonly number[], tokens = 128, signal?: AbortSignal): Promise<Record<number, number>> {
  const at = decodeAtDepthOf(engine, Math.max(0, ...depths), tokens, signal);
  const out: Record<number, number> = {};
  for (const depth of [...depths].sort((a, b) => a - b)) out[depth] = await at(depth);
  return out;
}

/** Decode tok/s at one depth (tokens of context before the short prompt). */
export type DecodeAt = (depth: number) => Promise<number>;

/**
 * Our plain decode at any depth up to `deepest`, over one context text: a depth whose prefix is
 * cached prefills only what it lacks, the same depth again prefills nothing (the decoded tokens are
 * cut back), so ours can be measured again right after the other side ran.
 */
export function decodeAtDepthOf(engine: LocalEngine, deepest: number, tokens = 128, signal?: AbortSignal): DecodeAt {
  const tokenize = (t: string): Token[] => engine.tokenize(t);
  const context = deepest > 0 ? codeTokens(tokenize, deepest, 4242) : [];
  const tail = codeTokens(tokenize, 64, 7);
  return async (depth) => {
    const r = await run(engine, { prompt: [...context.slice(0, depth), ...tail], maxTokens: tokens, draftSource: null, ignoreEog: true, restore: false, persist: false, signal });
    return r.stats.decodeTps;
  };
}

/** Ours around theirs at each depth, and the ratio read off them. */
export interface DepthComparison {
  depths: number[];
  /** Ours before, between and after theirs, per depth (rounds + 1 runs). */
  ours: Record<number, number[]>;
  /** Theirs, per depth and round. */
  theirRuns: Record<number, number[]>;
  /** Theirs, per depth: the median of the rounds. */
  theirs: Record<number, number>;
  /** Per depth and round: the mean of ours just before and just after theirs, over theirs. */
  ratios: Record<number, number[]>;
  /** Per depth: the median of the rounds' ratios. */
  ratio: Record<number, number>;
}

/**
 * At each depth in ascending order, ours and theirs alternate, ours first and last (O T O T O for
 * two rounds): each round's ratio sets theirs beside the mean of ours just before and after it, so
 * the load's drift on a shared machine shows as the spread of the rounds' ratios instead of
 * deciding the result. Depth by depth, so ours prefills each depth once.
 */
export async function compareDecodeAtDepths(ours: DecodeAt, theirs: DecodeAt, depths: readonly number[], rounds = 2): Promise<DepthComparison> {
  const sorted = [...depths].sort((a, b) => a - b);
  const result: DepthComparison = { depths: [...depths], ours: {}, theirRuns: {}, theirs: {}, ratios: {}, ratio: {} };
  for (const d of sorted) {
    const mine = [await ours(d)];
    const them: number[] = [];
    const ratios: number[] = [];
    for (let r = 0; r < Math.max(1, rounds); r++) {
      const t = await theirs(d);
      const after = await ours(d);
      const before = mine[mine.length - 1] ?? 0;
      mine.push(after);
      them.push(t);
      ratios.push(t > 0 ? round2((before + after) / 2 / t) : 0);
    }
    result.ours[d] = mine;
    result.theirRuns[d] = them;
    result.theirs[d] = median(them);
    result.ratios[d] = ratios;
    result.ratio[d] = round2(median(ratios));
  }
  return result;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
