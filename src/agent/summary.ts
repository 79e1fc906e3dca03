/** The one-line summary of a turn (`spark fix`, `spark run`, the TUI's status). */
import type { GenerationStats } from "../inference/index.js";
import type { TurnOutcome } from "./turn.js";

/** Totals of a turn. */
export interface TurnSummary {
  files: number;
  added: number;
  removed: number;
  /** The first checkpoint of the turn (undo it to get back to before the turn). */
  checkpoint: string | undefined;
  outputTokens: number;
  /** Output tokens over decode time, across rounds; 0 when unknown. */
  decodeTps: number;
  rounds: number;
}

/** Totals of `outcome`. */
export function summarize(outcome: TurnOutcome): TurnSummary {
  const files = new Set(outcome.applied.map((a) => a.path));
  const decodeSeconds = outcome.stats.reduce((s, st: GenerationStats) => s + (st.decodeTps > 0 ? st.outputTokens / st.decodeTps : 0), 0);
  const outputTokens = outcome.stats.reduce((n, st) => n + st.outputTokens, 0);
  return {
    files: files.size,
    added: outcome.applied.reduce((n, a) => n + a.added, 0),
    removed: outcome.applied.reduce((n, a) => n + a.removed, 0),
    checkpoint: outcome.checkpoints[0],
    outputTokens,
    decodeTps: decodeSeconds > 0 ? outputTokens / decodeSeconds : 0,
    rounds: outcome.stats.length,
  };
}

/** "2 files changed (+5 -1) · checkpoint 7 (spark undo 7) · 120 tokens at 48.1 tok/s". */
export function formatSummary(s: TurnSummary): string {
  const parts = [s.files === 0 ? "no changes" : `${s.files} file${s.files === 1 ? "" : "s"} changed (+${s.added} -${s.removed})`];
  if (s.checkpoint !== undefined) parts.push(`checkpoint ${s.checkpoint} (spark undo ${s.checkpoint})`);
  if (s.outputTokens > 0) parts.push(`${s.outputTokens} tokens${s.decodeTps > 0 ? ` at ${s.decodeTps.toFixed(1)} tok/s` : ""}`);
  if (s.rounds > 1) parts.push(`${s.rounds} rounds`);
  return parts.join(" · ");
}
