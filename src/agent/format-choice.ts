/**
 * Which edit format to ask for, by the measured crossover. A whole-file rewrite makes the model
 * write every line again; lookup speculation copies the unchanged ones in long verified drafts,
 * but on a CPU a verified draft token still costs ~40% of a plain step (batch throughput is only
 * 2–3× decode throughput), so rewrites pay off only for small files. The teacher-forced replay of
 * 40 real commits (`npm run bench:replay -- --limit 40`, 0.5B shape, 2 vCPUs) finished soonest
 * with whole files up to 118 tokens and search/replace above: whole/lookup 2.0× faster than
 * whole/none, yet search/replace writes ~5× fewer tokens (median 89 vs 424). Re-run the replay on
 * other hardware (a GPU verifies drafts almost for free) and move this constant with it.
 */
import type { FormatName } from "../edits/index.js";

/** Files up to this many tokens are rewritten whole; larger ones get search/replace blocks. */
export const WHOLE_FILE_MAX_TOKENS = 120;

/** The format for one file of `tokens` tokens. */
export function formatForFile(tokens: number): FormatName {
  return tokens <= WHOLE_FILE_MAX_TOKENS ? "whole" : "search-replace";
}

/**
 * The format of one reply: each target's own choice when they agree; search/replace when they
 * disagree or there are no targets (the model may touch any file, so no whole rewrites of
 * files it has not been told about). New files count as small.
 */
export function formatForReply(targets: readonly { tokens: number }[]): FormatName {
  if (targets.length === 0) return "search-replace";
  const choices = new Set(targets.map((t) => formatForFile(t.tokens)));
  return choices.size === 1 && choices.has("whole") ? "whole" : "search-replace";
}
