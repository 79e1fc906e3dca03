import { diffArrays } from "diff";
import { splitLines } from "../../src/edits/document.js";
import { textLines } from "../../src/edits/formats/line-parser.js";
import type { SearchReplaceEdit, UdiffEdit, WholeEdit } from "../../src/edits/index.js";

/** The model mistakes the drifted pass imitates. */
export type DriftKind = "indent" | "trailing-ws" | "quotes" | "elide" | "line-numbers" | "no-final-newline";

/** Small deterministic PRNG (mulberry32). */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
}

/** The file's indentation unit: a tab, or its smallest run of leading spaces (default two). */
export function indentUnit(lines: readonly string[]): string {
  if (lines.some((l) => l.startsWith("\t"))) return "\t";
  let min = Infinity;
  for (const l of lines) {
    const m = /^( +)\S/.exec(l);
    if (m?.[1]) min = Math.min(min, m[1].length);
  }
  return " ".repeat(Number.isFinite(min) ? min : 2);
}

/** Shifts every non-blank line one level: out when all lines allow it (the usual model slip), else in. */
export function shiftIndent(groups: string[][], unit: string): string[][] {
  const all = groups.flat().filter((l) => l.trim().length > 0);
  const out = all.length > 0 && all.every((l) => l.startsWith(unit));
  return groups.map((g) => g.map((l) => (l.trim().length === 0 ? l : out ? l.slice(unit.length) : unit + l)));
}

/** Straight quotes become typographic ones. */
export function curlyQuotes(line: string): string {
  let open = true;
  return line.replace(/'/g, "\u2019").replace(/"/g, () => {
    open = !open;
    return open ? "\u201D" : "\u201C";
  });
}

/** The elision line a model would write for this file type. */
export function elisionLine(path: string, lead: string): string {
  return path.endsWith(".md") ? `${lead}...` : `${lead}// ... existing code ...`;
}

/** Replaces the first run of ≥ minRun unchanged lines strictly inside a block by an elision line. */
export function elideBlock(path: string, search: string[], replace: string[], minRun = 6): { search: string[]; replace: string[] } | undefined {
  let si = 0;
  let ri = 0;
  for (const part of diffArrays(search, replace)) {
    const n = part.value.length;
    if (!part.added && !part.removed) {
      if (n >= minRun && si > 0 && si + n < search.length && ri > 0 && ri + n < replace.length) {
        const line = elisionLine(path, /^[ \t]*/.exec(search[si] ?? "")?.[0] ?? "");
        return { search: [...search.slice(0, si), line, ...search.slice(si + n)], replace: [...replace.slice(0, ri), line, ...replace.slice(ri + n)] };
      }
      si += n;
      ri += n;
    } else if (part.added) ri += n;
    else si += n;
  }
  return undefined;
}

const text = (lines: readonly string[]): string => (lines.length === 0 ? "" : lines.join("\n") + "\n");

/** Applies line-level drifts to search/replace blocks. */
export function driftSearchReplace(edits: SearchReplaceEdit[], kinds: ReadonlySet<DriftKind>, unit: string): SearchReplaceEdit[] {
  return edits.map((e) => {
    let search = textLines(e.search);
    let replace = textLines(e.replace);
    if (kinds.has("elide")) {
      const el = elideBlock(e.path, search, replace);
      if (el) ({ search, replace } = el);
    }
    if (kinds.has("indent")) [search, replace] = shiftIndent([search, replace], unit) as [string[], string[]];
    if (kinds.has("trailing-ws")) [search, replace] = [search.map((l) => l.trimEnd()), replace.map((l) => l.trimEnd())];
    if (kinds.has("quotes")) [search, replace] = [search.map(curlyQuotes), replace.map(curlyQuotes)];
    return { ...e, search: text(search), replace: text(replace) };
  });
}

/** Applies drifts to a diff's hunks (content after the +/-/space prefix). */
export function driftUdiff(edit: UdiffEdit, kinds: ReadonlySet<DriftKind>, unit: string, rng: Rng): UdiffEdit {
  const hunks = edit.hunks.map((h) => {
    let lines = h.lines;
    if (kinds.has("indent")) {
      const bodies = lines.filter((l) => !l.startsWith("\\")).map((l) => l.slice(1));
      const [shifted] = shiftIndent([bodies], unit);
      let k = 0;
      lines = lines.map((l) => (l.startsWith("\\") ? l : (l[0] ?? " ") + (shifted?.[k++] ?? "")));
    }
    if (kinds.has("trailing-ws")) lines = lines.map((l) => (l.startsWith("\\") ? l : l.trimEnd()));
    if (kinds.has("quotes")) lines = lines.map((l) => (l.startsWith("\\") || l === "" ? l : (l[0] ?? "") + curlyQuotes(l.slice(1))));
    let { oldStart, newStart } = h;
    if (kinds.has("line-numbers") && oldStart !== null && newStart !== null) {
      const d = rng.int(1, 5) * (rng.next() < 0.5 ? -1 : 1);
      oldStart = Math.max(1, oldStart + d);
      newStart = Math.max(1, newStart + d);
    }
    return { ...h, lines, oldStart, newStart };
  });
  return { ...edit, hunks };
}

/** A lazy whole file: the longest unchanged run (≥ 10 lines, less a line of context each side) left out as `...`. */
export function driftWhole(edit: WholeEdit, before: string, kinds: ReadonlySet<DriftKind>): WholeEdit {
  if (!kinds.has("elide")) return edit;
  const b = splitLines(edit.content).lines;
  let best: { at: number; n: number } | undefined;
  let bi = 0;
  for (const part of diffArrays(splitLines(before).lines, b)) {
    if (part.removed) continue;
    if (!part.added && part.value.length >= 10 && (!best || part.value.length > best.n)) best = { at: bi, n: part.value.length };
    bi += part.value.length;
  }
  if (!best) return edit;
  // A model leaves unchanged context on each side of what it skips (unless it is the file's edge):
  // up to the first non-blank line, at most three lines.
  let { at, n } = best;
  const blank = (i: number): boolean => (b[i] ?? "").trim().length === 0;
  if (at > 0) {
    let k = 0;
    do {
      at++;
      n--;
      k++;
    } while (k < 3 && n > 0 && blank(at - 1));
  }
  if (at + n < b.length) {
    let k = 0;
    do {
      n--;
      k++;
    } while (k < 3 && n > 0 && blank(at + n));
  }
  if (n < 4) return edit;
  const line = elisionLine(edit.path, /^[ \t]*/.exec(b[at] ?? "")?.[0] ?? "");
  const lines = [...b.slice(0, at), line, ...b.slice(at + n)];
  return { ...edit, content: text(lines) };
}
