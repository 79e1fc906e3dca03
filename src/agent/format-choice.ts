/**
 * Which edit format to ask for. Whole-file rewrites are fastest for small files (speculative
 * decoding copies the unchanged lines almost for free and nothing can fail to match);
 * search/replace wins for large files, where rewriting every line costs more than it saves.
 * Until the replay benchmark (bench/replay) measures the crossover, it is this one constant.
 */
import type { EditFormatName } from "./events.js";

/** Files up to this many tokens are rewritten whole; larger ones get search/replace blocks. */
export const WHOLE_FILE_MAX_TOKENS = 600;

/** The format for one file of `tokens` tokens. */
export function formatForFile(tokens: number): EditFormatName {
  return tokens <= WHOLE_FILE_MAX_TOKENS ? "whole" : "search-replace";
}

/**
 * The format of one reply: each target's own choice when they agree; search/replace when they
 * disagree or there are no targets (the model may touch any file, so no whole rewrites of
 * files it has not been told about). New files count as small.
 */
export function formatForReply(targets: readonly { tokens: number }[]): EditFormatName {
  if (targets.length === 0) return "search-replace";
  const choices = new Set(targets.map((t) => formatForFile(t.tokens)));
  return choices.size === 1 && choices.has("whole") ? "whole" : "search-replace";
}
