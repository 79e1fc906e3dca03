import { dice } from "./match/closest.js";
import { splitElided } from "./match/elision.js";
import { plain } from "./match/normalize.js";

/**
 * A "lazy" whole file (`// ... rest unchanged ...`): each `...` keeps the original lines between
 * where the content before it leaves off and where the content after it picks up. Each place is
 * the cut where the neighbouring content lines line up best with the original (few content lines
 * unmatched, few original lines skipped), near lines weighing more; so lines that repeat ("}",
 * "### Changed") and lines the model inserted or changed next to the `...` do not mislead it.
 * The lines written next to a `...` anchor it (see `anchorCuts`); content that runs to the file's
 * start or end is placed by an exact diff (see `edgeCut`). Fails with "ambiguous" when two places
 * fit equally well (never a guess), "misfit" when the pieces cannot be put in order.
 */
export function mergeElided(original: readonly string[], content: readonly string[]): MergeResult {
  const keys = original.map(lineKey);
  const rkeys = [...keys].reverse();
  const segs = splitElided(content);
  const out: string[] = [...(segs[0] ?? [])];
  let cursor = 0;
  for (let i = 1; i < segs.length; i++) {
    const prev = (segs[i - 1] ?? []).map(lineKey);
    const next = (segs[i] ?? []).map(lineKey);
    // The content before `...` read backwards from the cut is the content after it read forwards.
    // A segment that reaches the file's edge must use up the original up to that edge.
    const back = prev.length === 0 ? keys.length - cursor : bestCut(rkeys, 0, keys.length - cursor, [...prev].reverse(), i === 1);
    if (back === undefined) return { ok: false, reason: "ambiguous", elision: i };
    const from = keys.length - back;
    const to = next.length === 0 ? (i === segs.length - 1 ? keys.length : from) : bestCut(keys, from, keys.length, next, i === segs.length - 1);
    if (to === undefined) return { ok: false, reason: "ambiguous", elision: i };
    if (to < from) return { ok: false, reason: "misfit", elision: i };
    out.push(...original.slice(from, to), ...(segs[i] ?? []));
    cursor = to;
  }
  return { ok: true, lines: out };
}

/** The merged file, or why the `...` lines could not be placed (`elision`: which one, from 1). */
export type MergeResult = { ok: true; lines: string[] } | { ok: false; reason: "ambiguous" | "misfit"; elision: number };

/** How far ahead in the original a content line is looked for. */
const LOOKAHEAD = 40;
/** Content lines weighed per cut (later ones count for little anyway). */
const FIT_LINES = 64;
/** Content lines that pick candidate cuts. */
const HEAD = 4;

/**
 * The cut in [lo, hi] where `lines` (read forwards from it) fit the original best; earliest on ties,
 * except at the file's edge (`edge`: the lines run to it), where `edgeCut` decides and a tie is
 * undefined (ambiguous); beyond EXACT_CELLS the greedy fit stands in for it there too.
 */
function bestCut(keys: readonly string[], lo: number, hi: number, all: readonly string[], edge = false): number | undefined {
  if (edge && all.length * (hi - lo + 1) <= EXACT_CELLS) return edgeCut(keys, lo, hi, all);
  const lines = edge ? all : all.slice(0, FIT_LINES);
  const anchored = anchorCuts(keys, lo, hi, all);
  const head = new Set(lines.slice(0, HEAD).filter((k) => k.length > 3 && keys.includes(k)));
  let best = -1;
  let bestCost = Infinity;
  for (let cut = lo; cut <= hi; cut++) {
    if (anchored) {
      if (!anchored.has(cut)) continue;
    } else if (cut > lo) {
      // Cuts near where the first lines occur; every cut when none of them is in the original.
      // At the edge, the last cuts too: the first lines may be new ones added at the end.
      let near = head.size === 0 || (edge && cut > hi - HEAD);
      for (let d = 0; d < HEAD && !near; d++) near = head.has(keys[cut + d] ?? "\u0000");
      if (!near) continue;
    }
    const cost = fitCost(keys, cut, hi, lines, edge);
    if (cost < bestCost) {
      best = cut;
      bestCost = cost;
    }
  }
  return best < 0 ? lo : best;
}

/** Largest alignment table (content lines × cuts) worked out exactly; bigger ones are fitted greedily. */
const EXACT_CELLS = 4_000_000;

/** What a cut pays when the line written next to the `...` is not the original line there. */
const ADJACENT_MISS = 1.5;

/**
 * The cut for lines that run to the file's edge: the one that keeps the most original lines, i.e.
 * the fewest lines added plus original lines dropped between the cut and the edge (a diff of the
 * two). Among the anchored cuts when there are any. Undefined when two cuts tie: each gives a
 * different file, and nothing says which one the model meant.
 */
function edgeCut(keys: readonly string[], lo: number, hi: number, lines: readonly string[]): number | undefined {
  const anchored = anchorCuts(keys, lo, hi, lines);
  const m = lines.length;
  // col[i]: cost of aligning lines[i..] with keys[j..hi), for the current j (walking down from hi).
  let col = Float64Array.from({ length: m + 1 }, (_, i) => m - i);
  let next = new Float64Array(m + 1);
  let best = hi;
  let bestCost = anchored && !anchored.has(hi) ? Infinity : (col[0] ?? 0) + ADJACENT_MISS;
  let tied = false;
  for (let j = hi - 1; j >= lo; j--) {
    next[m] = hi - j;
    for (let i = m - 1; i >= 0; i--) {
      let c = Math.min((next[i + 1] ?? 0) + 1, (col[i] ?? 0) + 1);
      if (keys[j] === lines[i]) c = Math.min(c, col[i + 1] ?? 0);
      next[i] = c;
    }
    [col, next] = [next, col];
    // The line next to the `...` is normally the original line there: a cut that leaves it unmatched
    // (a rewritten line kept beside its old self inside the gap) pays for it.
    const cost = (col[0] ?? 0) + (keys[j] === lines[0] ? 0 : ADJACENT_MISS);
    if (anchored && !anchored.has(j)) continue;
    if (cost === bestCost) tied = true;
    else if (cost < bestCost) {
      best = j;
      bestCost = cost;
      tied = false;
    }
  }
  return tied ? undefined : best;
}

/** Lines this short ("", "}", "```") say little about where they are. */
const weak = (k: string): boolean => k.length <= 3;
/** How many weak lines next to a `...` are passed over to reach a distinctive one. */
const WEAK_RUN = 6;

/**
 * The lines written next to a `...` are the original lines next to what it leaves out. The anchor is
 * those lines up to and including the first distinctive one; the cuts where all of them stand right
 * there. Undefined (no constraint) when the distinctive line is not in the original (the model
 * wrote a new line next to the `...`) or when no cut fits it.
 */
function anchorCuts(keys: readonly string[], lo: number, hi: number, lines: readonly string[]): Set<number> | undefined {
  const n = lines.findIndex((k) => !weak(k));
  if (n < 0 || n > WEAK_RUN) return undefined;
  const run = lines.slice(0, n + 1);
  const cuts = new Set<number>();
  for (let cut = lo; cut + run.length <= hi; cut++) if (run.every((k, d) => keys[cut + d] === k)) cuts.add(cut);
  return cuts.size > 0 ? cuts : undefined;
}

/**
 * Greedy alignment of `lines` with keys[cut..hi): each line is looked for a little ahead; a line not
 * found costs 1, original lines jumped over cost 1 each. Costs fade with distance from the cut.
 */
function fitCost(keys: readonly string[], cut: number, hi: number, lines: readonly string[], edge: boolean): number {
  let pos = cut;
  let cost = 0;
  lines.forEach((line, i) => {
    const weight = edge ? 1 : 1 / (1 + i / 8);
    let found = -1;
    // A short line ("", "}") is found anywhere: only right here does it say anything.
    const ahead = line.length <= 3 ? 1 : LOOKAHEAD;
    for (let k = pos; k < Math.min(hi, pos + ahead); k++) {
      if (keys[k] === line) {
        found = k;
        break;
      }
    }
    const like = found < 0 ? likeness(line, keys[pos] ?? "") : 0;
    if (found < 0 && like >= 0.5) {
      // A rewritten line: it stands for the original line here.
      cost += weight * (1 - like);
      pos++;
    } else if (found < 0) cost += weight;
    else {
      cost += weight * (found - pos);
      pos = found + 1;
    }
  });
  // At the file's edge, original lines the content never reached would be deleted.
  return edge ? cost + Math.max(0, hi - pos) : cost;
}

const lineKey = (s: string): string => plain(s).trim();

/** Likeness of two line keys, 0–1 (shared character pairs; equal keys, even short ones, are 1). */
function likeness(x: string, y: string): number {
  return x === y ? 1 : dice(x, y);
}
