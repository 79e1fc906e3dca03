import { splitElided } from "./match/elision.js";
import { plain } from "./match/normalize.js";

/**
 * A "lazy" whole file (`// ... rest unchanged ...`): each `...` keeps the original lines between
 * where the content before it leaves off and where the content after it picks up. Each place is
 * the cut where the neighbouring content lines line up best with the original (few content lines
 * unmatched, few original lines skipped), near lines weighing more; so lines that repeat ("}",
 * "### Changed") and lines the model inserted or changed next to the `...` do not mislead it.
 */
export function mergeElided(original: readonly string[], content: readonly string[]): string[] | undefined {
  const keys = original.map(lineKey);
  const rkeys = [...keys].reverse();
  const segs = splitElided(content);
  const out: string[] = [...(segs[0] ?? [])];
  let cursor = 0;
  for (let i = 1; i < segs.length; i++) {
    const prev = (segs[i - 1] ?? []).map(lineKey);
    const next = (segs[i] ?? []).map(lineKey);
    // The content before `...` read backwards from the cut is the content after it read forwards.
    const from = prev.length === 0 ? cursor : keys.length - bestCut(rkeys, 0, keys.length - cursor, [...prev].reverse());
    const to = next.length === 0 ? (i === segs.length - 1 ? keys.length : from) : bestCut(keys, from, keys.length, next);
    if (to < from) return undefined;
    out.push(...original.slice(from, to), ...(segs[i] ?? []));
    cursor = to;
  }
  return out;
}

/** How far ahead in the original a content line is looked for. */
const LOOKAHEAD = 40;
/** Content lines weighed per cut (later ones count for little anyway). */
const FIT_LINES = 64;
/** Content lines that pick candidate cuts. */
const HEAD = 4;

/** The cut in [lo, hi] where `lines` (read forwards from it) fit the original best; earliest on ties. */
function bestCut(keys: readonly string[], lo: number, hi: number, all: readonly string[]): number {
  const lines = all.slice(0, FIT_LINES);
  const head = new Set(lines.slice(0, HEAD).filter((k) => k.length > 3 && keys.includes(k)));
  let best = lo;
  let bestCost = fitCost(keys, lo, hi, lines);
  for (let cut = lo + 1; cut <= hi; cut++) {
    // Cuts near where the first lines occur; every cut when none of them is in the original.
    let near = head.size === 0;
    for (let d = 0; d < HEAD && !near; d++) near = head.has(keys[cut + d] ?? "\u0000");
    if (!near) continue;
    const cost = fitCost(keys, cut, hi, lines);
    if (cost < bestCost) {
      best = cut;
      bestCost = cost;
    }
  }
  return best;
}

/**
 * Greedy alignment of `lines` with keys[cut..hi): each line is looked for a little ahead; a line not
 * found costs 1, original lines jumped over cost 1 each. Costs fade with distance from the cut.
 */
function fitCost(keys: readonly string[], cut: number, hi: number, lines: readonly string[]): number {
  let pos = cut;
  let cost = 0;
  lines.forEach((line, i) => {
    const weight = 1 / (1 + i / 8);
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
  return cost;
}

const lineKey = (s: string): string => plain(s).trim();

/** Likeness of two line keys, 0–1 (shared character pairs). */
function likeness(x: string, y: string): number {
  if (x === y) return 1;
  if (x.length < 2 || y.length < 2) return 0;
  const pairs = new Map<string, number>();
  for (let i = 0; i < x.length - 1; i++) pairs.set(x.slice(i, i + 2), (pairs.get(x.slice(i, i + 2)) ?? 0) + 1);
  let common = 0;
  for (let i = 0; i < y.length - 1; i++) {
    const n = pairs.get(y.slice(i, i + 2)) ?? 0;
    if (n > 0) {
      common++;
      pairs.set(y.slice(i, i + 2), n - 1);
    }
  }
  return (2 * common) / (x.length + y.length - 2);
}
