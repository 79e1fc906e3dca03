import { plain } from "./normalize.js";

const key = (s: string): string => plain(s).trim();

/**
 * The window of the file most like the SEARCH lines (most lines in common, ignoring whitespace and
 * typography), for "did you mean lines 40–52". Undefined when nothing is alike.
 */
export function closestRegion(file: readonly string[], search: readonly string[]): { start: number; end: number } | undefined {
  const want = new Map<string, number>();
  for (const s of search) {
    const k = key(s);
    if (k.length > 0) want.set(k, (want.get(k) ?? 0) + 1);
  }
  if (want.size === 0 || file.length === 0) return undefined;
  const m = Math.min(search.length, file.length);
  const fk = file.map(key);
  const hit = fk.map((k) => (want.has(k) ? 1 : 0));
  let score = 0;
  for (let i = 0; i < m; i++) score += hit[i] ?? 0;
  let best = score;
  let bestStart = 0;
  for (let i = m; i < fk.length; i++) {
    score += (hit[i] ?? 0) - (hit[i - m] ?? 0);
    if (score > best) {
      best = score;
      bestStart = i - m + 1;
    }
  }
  if (best === 0) return undefined;
  return { start: bestStart, end: bestStart + m };
}

/** File lines [start, end) as they are (no numbers, so the model can copy them), at most `max`. */
export function quoteLines(file: readonly string[], start: number, end: number, max = 40): string {
  const out: string[] = [];
  for (let i = start; i < Math.min(end, start + max); i++) out.push(file[i] ?? "");
  if (end - start > max) out.push(`[… ${end - start - max} more lines]`);
  return out.join("\n");
}
