import { anchorCandidates } from "./anchors.js";
import { closestRegion } from "./closest.js";
import { elisionMatches, rebuildElided, splitElided } from "./elision.js";
import { type Candidate, KeyCache, LINE_STAGES, type MatchStage, locateAt } from "./locate.js";
import { rebuildReplacement } from "./rebuild.js";

export type { MatchStage } from "./locate.js";
export { closestRegion, quoteLines } from "./closest.js";

/** A 0-based, end-exclusive range of file lines. */
export interface LineRange {
  start: number;
  end: number;
}

/** Where a SEARCH block went, and what replaced it; or why it could not go anywhere. */
export type MatchOutcome =
  | { ok: true; start: number; end: number; lines: string[]; stage: MatchStage }
  | { ok: false; reason: "no-match"; closest: LineRange | undefined }
  | { ok: false; reason: "ambiguous"; candidates: LineRange[] }
  | { ok: false; reason: "bad-edit"; detail: string };

/** Options of `matchBlock`. */
export interface MatchOptions {
  /** 0-based line where the block is expected (a diff hunk's line number): breaks ties. Default none. */
  hint?: number;
  /** The file is prose (Markdown, text): apostrophes inside words may be straightened too. Default false. */
  prose?: boolean;
}

/** The candidate nearest to `hint`, when it is strictly nearest. */
function nearest<T extends LineRange>(cands: readonly T[], hint: number | undefined): T | undefined {
  if (hint === undefined) return undefined;
  const sorted = [...cands].sort((a, b) => Math.abs(a.start - hint) - Math.abs(b.start - hint));
  const [a, b] = sorted;
  if (a && (!b || Math.abs(a.start - hint) < Math.abs(b.start - hint))) return a;
  return undefined;
}

function pick<T extends LineRange>(cands: readonly T[], hint: number | undefined): T | LineRange[] | undefined {
  if (cands.length === 0) return undefined;
  if (cands.length === 1) return cands[0];
  return nearest(cands, hint) ?? cands.map(({ start, end }) => ({ start, end }));
}

/**
 * Finds SEARCH lines in the file and builds their replacement, trying in order: exact, trailing
 * whitespace, indentation (REPLACE re-indented by the same offset), typography, `...` elision,
 * block anchors. The first stage that finds anything decides: one place (or one nearest the hint)
 * is a match; several are ambiguous.
 */
export function matchBlock(file: readonly string[], search: readonly string[], replace: readonly string[], opts: MatchOptions = {}): MatchOutcome {
  const cache = new KeyCache(file);
  for (const stage of LINE_STAGES) {
    const got = pick(locateAt(cache, stage, search), opts.hint);
    if (got === undefined) continue;
    if (Array.isArray(got)) return { ok: false, reason: "ambiguous", candidates: got };
    return done(file, got, search, replace, opts.prose);
  }
  const segs = splitElided(search);
  if (segs.length > 1) {
    const got = pick(elisionMatches(cache, segs), opts.hint);
    if (Array.isArray(got)) return { ok: false, reason: "ambiguous", candidates: got };
    if (got) {
      const lines = rebuildElided(file, got, segs, replace, opts.prose);
      if (typeof lines === "string") return { ok: false, reason: "bad-edit", detail: lines };
      return { ok: true, start: got.start, end: got.end, lines, stage: "elision" };
    }
  }
  const anchored = pick(anchorCandidates(file, search), opts.hint);
  if (Array.isArray(anchored)) return { ok: false, reason: "ambiguous", candidates: anchored };
  if (anchored) return done(file, anchored, search, replace, opts.prose);
  return { ok: false, reason: "no-match", closest: closestRegion(file, segs.flat()) };
}

function done(file: readonly string[], cand: Candidate, search: readonly string[], replace: readonly string[], prose = false): MatchOutcome {
  return { ok: true, start: cand.start, end: cand.end, lines: rebuildReplacement(file, cand, search, replace, prose), stage: cand.stage };
}
