import { diffArrays } from "diff";
import { deltaBetween, type Candidate } from "./locate.js";
import { plain } from "./normalize.js";

/** Least similarity of the middle lines for a block-anchor match. */
const MIN_SCORE = 0.6;
/** Two anchor matches closer in score than this are ambiguous. */
const SCORE_MARGIN = 0.1;
/** Bound on region comparisons, so a pathological file cannot stall the planner. */
const MAX_PAIRS = 400;

const key = (s: string): string => plain(s).trim();

function similarity(a: readonly string[], b: readonly string[]): number {
  if (a.length + b.length === 0) return 1;
  let common = 0;
  for (const part of diffArrays([...a], [...b])) if (!part.added && !part.removed) common += part.value.length;
  return (2 * common) / (a.length + b.length);
}

/**
 * Stage 6: regions whose first and last lines equal the SEARCH block's (ignoring whitespace and
 * typography) and whose middle is similar enough. Best first; only the clear winner, or every
 * near-tie (the caller reports those as ambiguous).
 */
export function anchorCandidates(file: readonly string[], search: readonly string[]): Candidate[] {
  const m = search.length;
  if (m < 3) return [];
  const first = key(search[0] ?? "");
  const last = key(search[m - 1] ?? "");
  if (first.length === 0 || last.length === 0) return [];
  const fk = file.map(key);
  const mid = search.slice(1, -1).map(key);
  const minLen = Math.max(3, Math.floor(m * 0.5));
  const maxLen = Math.ceil(m * 1.5) + 2;
  const found: Candidate[] = [];
  let pairs = 0;
  for (let i = 0; i < fk.length && pairs < MAX_PAIRS; i++) {
    if (fk[i] !== first) continue;
    for (let j = i + minLen - 1; j < Math.min(fk.length, i + maxLen) && pairs < MAX_PAIRS; j++) {
      if (fk[j] !== last) continue;
      pairs++;
      const region = fk.slice(i + 1, j);
      const score = similarity(mid, region);
      if (score < MIN_SCORE) continue;
      found.push({ start: i, end: j + 1, stage: "anchors", map: alignMap(search.map(key), fk.slice(i, j + 1), i), delta: deltaBetween(file[i] ?? "", search[0] ?? "") ?? undefined, score });
    }
  }
  found.sort((a, b) => b.score - a.score || a.start - b.start);
  const best = found[0];
  if (!best) return [];
  return found.filter((c) => c === best || best.score - c.score < SCORE_MARGIN);
}

function alignMap(searchKeys: string[], regionKeys: string[], offset: number): (number | undefined)[] {
  const map: (number | undefined)[] = [];
  let fi = offset;
  for (const part of diffArrays(searchKeys, regionKeys)) {
    if (part.added) fi += part.value.length;
    else if (part.removed) for (let n = 0; n < part.value.length; n++) map.push(undefined);
    else for (let n = 0; n < part.value.length; n++) map.push(fi++);
  }
  return map;
}
