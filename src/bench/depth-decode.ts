import type { Token } from "node-llama-cpp";
import type { LocalEngine } from "../inference/runtime.js";
import { codeTokens, run } from "./bench-run.js";

/** Depths `spark bench` decodes at: an empty context, a file or two, a packed repository. */
export const DEFAULT_DEPTHS = [0, 4096, 16384] as const;

/**
 * Plain decode tok/s with `depth` tokens of code-like context before a short prompt, per depth
 * (as llama-bench's `tg -d`). One context text serves every depth: in ascending order each run
 * prefills only what the previous one lacked, in descending order nothing (the cached prefix is
 * cut back), so measuring again after the other side ran costs no prefill.
 */
export async function measureDecodeAtDepths(engine: LocalEngine, depths: readonly number[], tokens = 128, order: "ascending" | "descending" = "ascending", signal?: AbortSignal): Promise<Record<number, number>> {
  const tokenize = (t: string): Token[] => engine.tokenize(t);
  const deepest = Math.max(0, ...depths);
  const context = deepest > 0 ? codeTokens(tokenize, deepest, 4242) : [];
  const tail = codeTokens(tokenize, 64, 7);
  const sorted = [...depths].sort((a, b) => (order === "ascending" ? a - b : b - a));
  const out: Record<number, number> = {};
  for (const depth of sorted) {
    const r = await run(engine, { prompt: [...context.slice(0, depth), ...tail], maxTokens: tokens, draftSource: null, ignoreEog: true, restore: false, persist: false, signal });
    out[depth] = r.stats.decodeTps;
  }
  return out;
}

/** Ours around theirs at each depth, and the ratio read off them. */
export interface DepthComparison {
  depths: number[];
  /** Ours before and after theirs, per depth. */
  ours: Record<number, [number, number]>;
  theirs: Record<number, number>;
  /** Per depth: the mean of ours before and after, over theirs. */
  ratio: Record<number, number>;
}

/**
 * Our decode at each depth measured just before and just after theirs (one run of the other side
 * covers every depth), so the load's drift over minutes shows as the spread of ours.
 */
export async function compareDecodeAtDepths(
  ours: (order: "ascending" | "descending") => Promise<Record<number, number>>,
  theirs: () => Promise<Record<number, number>>,
  depths: readonly number[],
): Promise<DepthComparison> {
  const before = await ours("ascending");
  const them = await theirs();
  const after = await ours("descending");
  const result: DepthComparison = { depths: [...depths], ours: {}, theirs: them, ratio: {} };
  for (const d of depths) {
    const pair: [number, number] = [before[d] ?? 0, after[d] ?? 0];
    result.ours[d] = pair;
    const t = them[d] ?? 0;
    result.ratio[d] = t > 0 ? Math.round(((pair[0] + pair[1]) / 2 / t) * 100) / 100 : 0;
  }
  return result;
}
