import { type Candidate, type KeyCache, locateLines } from "./locate.js";
import { isElisionLine } from "./normalize.js";
import { rebuildReplacement } from "./rebuild.js";

/** Splits lines at elision lines (`...`, `// ... existing code ...`). One more segment than elisions. */
export function splitElided(lines: readonly string[]): string[][] {
  const segs: string[][] = [[]];
  for (const line of lines) {
    if (isElisionLine(line)) segs.push([]);
    else segs[segs.length - 1]?.push(line);
  }
  return segs;
}

/** A chain of segment matches, in file order. */
export interface ElisionMatch {
  start: number;
  end: number;
  /** The match of each SEARCH segment (undefined for an empty one). */
  parts: (Candidate | undefined)[];
}

/**
 * Stage 5: SEARCH with `...` lines. Each non-empty segment must match (stages 1–4) after the
 * previous one; the first segment's candidates each start a chain, later segments take their
 * nearest match. Returns every distinct chain.
 */
export function elisionMatches(cache: KeyCache, segs: readonly string[][]): ElisionMatch[] {
  const firstIdx = segs.findIndex((s) => s.length > 0);
  if (firstIdx < 0) return [];
  const out: ElisionMatch[] = [];
  for (const head of locateLines(cache, segs[firstIdx] ?? [])) {
    const parts: (Candidate | undefined)[] = segs.map(() => undefined);
    parts[firstIdx] = head;
    let pos = head.end;
    let ok = true;
    for (let s = firstIdx + 1; s < segs.length && ok; s++) {
      const seg = segs[s] ?? [];
      if (seg.length === 0) continue;
      const next = locateLines(cache, seg, pos)[0];
      if (!next) ok = false;
      else {
        parts[s] = next;
        pos = next.end;
      }
    }
    if (!ok) continue;
    // Two chains ending at the same place: the tighter one is meant (its head is the later match).
    const same = out.findIndex((m) => m.end === pos);
    if (same < 0) out.push({ start: head.start, end: pos, parts });
    else if ((out[same]?.start ?? 0) < head.start) out[same] = { start: head.start, end: pos, parts };
  }
  return out;
}

/**
 * Replacement lines for an elided match. When REPLACE has the same `...` lines, each segment is
 * replaced on its own and the elided file lines stay; when it has none, it replaces the whole region.
 * Returns a message instead when the two sides disagree.
 */
export function rebuildElided(file: readonly string[], match: ElisionMatch, segs: readonly string[][], replace: readonly string[], prose = false): string[] | string {
  const rsegs = splitElided(replace);
  if (rsegs.length === segs.length) {
    const out: string[] = [];
    let prevEnd: number | undefined;
    segs.forEach((seg, i) => {
      const cand = match.parts[i];
      const r = rsegs[i] ?? [];
      if (cand && prevEnd !== undefined) out.push(...file.slice(prevEnd, cand.start));
      out.push(...(cand ? rebuildReplacement(file, cand, seg, r, prose) : r));
      if (cand) prevEnd = cand.end;
    });
    return out;
  }
  if (rsegs.length === 1) {
    const search = segs.flat();
    const map = match.parts.flatMap((c, i) => (c ? c.map : (segs[i] ?? []).map(() => undefined)));
    const first = match.parts.find((c) => c !== undefined);
    const whole: Candidate = { start: match.start, end: match.end, stage: "elision", map, delta: first?.delta, score: 1 };
    return rebuildReplacement(file, whole, search, replace, prose);
  }
  return `SEARCH has ${segs.length - 1} "..." line(s) but REPLACE has ${rsegs.length - 1}; use the same "..." lines in both, or none in REPLACE.`;
}
