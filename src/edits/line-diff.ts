/**
 * A line diff whose cost stays near-linear when much of a file changes. Myers' algorithm (jsdiff's
 * `structuredPatch`) takes time proportional to lines × differences, so a whole-file rewrite that
 * touches every other line of a 15k-line file took half a minute per file. Here lines that occur
 * once on each side anchor the match (patience diff, as git's `--patience`); only the gaps between
 * anchors go to Myers, with its effort capped, and a gap beyond the cap is shown replaced whole.
 */
import { diffArrays, type StructuredPatch, type StructuredPatchHunk } from "diff";

/** A run of lines (each keeping its "\n", the last maybe without) that is kept, removed or added. */
interface Run {
  kind: "same" | "removed" | "added";
  lines: string[];
}

/** Most differences Myers may look for in one gap before the gap is shown replaced whole. */
const MYERS_MAX_EDITS = 500;
/** Nested patience passes before a gap is given to Myers regardless. */
const MAX_DEPTH = 8;

/** `text` as lines that keep their "\n" (the last may have none). */
function splitKeep(text: string): string[] {
  const lines = text.split(/(?<=\n)/);
  return lines[lines.length - 1] === "" ? lines.slice(0, -1) : lines;
}

/** Index pairs of lines unique on both sides, in an order both sides agree on (longest such chain). */
function anchors(a: readonly string[], aLo: number, aHi: number, b: readonly string[], bLo: number, bHi: number): [number, number][] {
  const seen = new Map<string, { a: number; b: number; ai: number; bi: number }>();
  for (let i = aLo; i < aHi; i++) {
    const e = seen.get(a[i] as string);
    if (e) e.a++;
    else seen.set(a[i] as string, { a: 1, b: 0, ai: i, bi: -1 });
  }
  for (let j = bLo; j < bHi; j++) {
    const e = seen.get(b[j] as string);
    if (e) {
      e.b++;
      e.bi = j;
    }
  }
  const pairs: [number, number][] = [];
  for (const e of seen.values()) if (e.a === 1 && e.b === 1) pairs.push([e.ai, e.bi]);
  pairs.sort((x, y) => x[0] - y[0]);
  // Longest increasing run of b-indices (patience sorting), kept as back-links.
  const tails: number[] = [];
  const prev = new Array<number>(pairs.length).fill(-1);
  for (let k = 0; k < pairs.length; k++) {
    const bj = (pairs[k] as [number, number])[1];
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((pairs[tails[mid] as number] as [number, number])[1] < bj) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[k] = tails[lo - 1] as number;
    tails[lo] = k;
  }
  const chain: [number, number][] = [];
  for (let k = tails.length > 0 ? (tails[tails.length - 1] as number) : -1; k >= 0; k = prev[k] as number) chain.push(pairs[k] as [number, number]);
  return chain.reverse();
}

class Differ {
  readonly runs: Run[] = [];
  constructor(
    private readonly a: readonly string[],
    private readonly b: readonly string[],
  ) {}

  private push(kind: Run["kind"], lines: readonly string[]): void {
    if (lines.length === 0) return;
    const last = this.runs[this.runs.length - 1];
    if (last?.kind === kind) last.lines.push(...lines);
    else this.runs.push({ kind, lines: [...lines] });
  }

  diff(aLo: number, aHi: number, bLo: number, bHi: number, depth: number): void {
    const { a, b } = this;
    let head = 0;
    while (aLo + head < aHi && bLo + head < bHi && a[aLo + head] === b[bLo + head]) head++;
    this.push("same", a.slice(aLo, aLo + head));
    aLo += head;
    bLo += head;
    let tail = 0;
    while (aHi - tail > aLo && bHi - tail > bLo && a[aHi - tail - 1] === b[bHi - tail - 1]) tail++;
    this.gap(aLo, aHi - tail, bLo, bHi - tail, depth);
    this.push("same", a.slice(aHi - tail, aHi));
  }

  private gap(aLo: number, aHi: number, bLo: number, bHi: number, depth: number): void {
    if (aLo === aHi || bLo === bHi) {
      this.push("removed", this.a.slice(aLo, aHi));
      this.push("added", this.b.slice(bLo, bHi));
      return;
    }
    const chain = depth < MAX_DEPTH ? anchors(this.a, aLo, aHi, this.b, bLo, bHi) : [];
    if (chain.length === 0) return this.myers(aLo, aHi, bLo, bHi);
    let ai = aLo;
    let bi = bLo;
    for (const [x, y] of chain) {
      this.diff(ai, x, bi, y, depth + 1);
      this.push("same", [this.a[x] as string]);
      ai = x + 1;
      bi = y + 1;
    }
    this.diff(ai, aHi, bi, bHi, depth + 1);
  }

  private myers(aLo: number, aHi: number, bLo: number, bHi: number): void {
    const changes = diffArrays(this.a.slice(aLo, aHi), this.b.slice(bLo, bHi), { maxEditLength: MYERS_MAX_EDITS });
    if (changes === undefined) {
      this.push("removed", this.a.slice(aLo, aHi));
      this.push("added", this.b.slice(bLo, bHi));
      return;
    }
    for (const c of changes) this.push(c.added ? "added" : c.removed ? "removed" : "same", c.value);
  }
}

/**
 * `structuredPatch(oldName, newName, before, after, undefined, undefined, { context })` of jsdiff,
 * computed as the file comment says: the same hunk format, "\ No newline at end of file" included.
 */
export function linePatch(oldName: string, newName: string, before: string, after: string, context: number): StructuredPatch {
  const a = splitKeep(before);
  const b = splitKeep(after);
  const differ = new Differ(a, b);
  differ.diff(0, a.length, 0, b.length, 0);
  return { oldFileName: oldName, newFileName: newName, oldHeader: undefined, newHeader: undefined, hunks: hunksOf(differ.runs, context) };
}

function hunksOf(runs: readonly Run[], context: number): StructuredPatchHunk[] {
  const hunks: StructuredPatchHunk[] = [];
  let oldLine = 1;
  let newLine = 1;
  let open: { oldStart: number; newStart: number; lines: string[]; oldLines: number; newLines: number } | undefined;
  const ctx = (lines: readonly string[]): string[] => lines.map((l) => ` ${l}`);
  for (const [i, run] of runs.entries()) {
    if (run.kind !== "same") {
      if (!open) {
        const before = (runs[i - 1]?.lines ?? []).slice(-context);
        open = { oldStart: oldLine - before.length, newStart: newLine - before.length, lines: ctx(before), oldLines: before.length, newLines: before.length };
      }
      for (const l of run.lines) open.lines.push(`${run.kind === "added" ? "+" : "-"}${l}`);
      if (run.kind === "added") {
        newLine += run.lines.length;
        open.newLines += run.lines.length;
      } else {
        oldLine += run.lines.length;
        open.oldLines += run.lines.length;
      }
      continue;
    }
    if (open) {
      const last = i === runs.length - 1;
      // Close to the next change: the run joins the two hunks.
      const keep = !last && run.lines.length <= context * 2 ? run.lines.length : Math.min(run.lines.length, context);
      open.lines.push(...ctx(run.lines.slice(0, keep)));
      open.oldLines += keep;
      open.newLines += keep;
      if (keep < run.lines.length || last) {
        hunks.push(finish(open));
        open = undefined;
      }
    }
    oldLine += run.lines.length;
    newLine += run.lines.length;
  }
  if (open) hunks.push(finish(open));
  return hunks;
}

/** Drops each line's "\n"; a line without one gets "\ No newline at end of file" after it. */
function finish(h: { oldStart: number; newStart: number; lines: string[]; oldLines: number; newLines: number }): StructuredPatchHunk {
  const lines: string[] = [];
  for (const l of h.lines) {
    if (l.endsWith("\n")) lines.push(l.slice(0, -1));
    else lines.push(l, "\\ No newline at end of file");
  }
  return { oldStart: h.oldStart, oldLines: h.oldLines, newStart: h.newStart, newLines: h.newLines, lines };
}
