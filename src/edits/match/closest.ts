import { plain } from "./normalize.js";

const key = (s: string): string => plain(s).trim();

/**
 * The window of the file most like the SEARCH lines (most lines in common, ignoring whitespace and
 * typography), for "did you mean lines 40–52". Undefined when nothing is alike.
 */
export function closestRegion(file: readonly string[], search: readonly string[]): { start: number; end: number } | undefined {
  const sk = search.map(key);
  if (sk.every((k) => k.length === 0) || file.length === 0) return undefined;
  const m = Math.min(search.length, file.length);
  const fk = file.map(key);
  let best = 0;
  let bestStart = 0;
  if (fk.length * m <= 200_000) {
    // Line by line in order: equal lines count 1, near-equal ones their likeness.
    const sim = (a: string, b: string): number => (a === b ? (a.length > 0 ? 1 : 0) : 0.9 * dice(a, b));
    for (let i = 0; i + m <= fk.length; i++) {
      let score = 0;
      for (let k = 0; k < m; k++) score += sim(fk[i + k] ?? "", sk[k] ?? "");
      if (score > best) {
        best = score;
        bestStart = i;
      }
    }
  } else {
    const want = new Set(sk.filter((k) => k.length > 0));
    const hit = fk.map((k) => (want.has(k) ? 1 : 0));
    let score = 0;
    for (let i = 0; i < m; i++) score += hit[i] ?? 0;
    best = score;
    for (let i = m; i < fk.length; i++) {
      score += (hit[i] ?? 0) - (hit[i - m] ?? 0);
      if (score > best) {
        best = score;
        bestStart = i - m + 1;
      }
    }
  }
  if (best < 0.5) return undefined;
  return { start: bestStart, end: bestStart + m };
}

/** File lines [start, end) as they are (no numbers, so the model can copy them), at most `max`. */
export function quoteLines(file: readonly string[], start: number, end: number, max = 40): string {
  const out: string[] = [];
  for (let i = start; i < Math.min(end, start + max); i++) out.push(file[i] ?? "");
  if (end - start > max) out.push(`[… ${end - start - max} more lines]`);
  return out.join("\n");
}

/** Dice coefficient of character pairs, 0–1 (0 when either string is shorter than 2). */
export function dice(a: string, b: string): number {
  if (a.length < 2 || b.length < 2) return 0;
  const pairs = new Map<string, number>();
  for (let i = 0; i < a.length - 1; i++) pairs.set(a.slice(i, i + 2), (pairs.get(a.slice(i, i + 2)) ?? 0) + 1);
  let common = 0;
  for (let i = 0; i < b.length - 1; i++) {
    const n = pairs.get(b.slice(i, i + 2)) ?? 0;
    if (n > 0) {
      common++;
      pairs.set(b.slice(i, i + 2), n - 1);
    }
  }
  return (2 * common) / (a.length + b.length - 2);
}
