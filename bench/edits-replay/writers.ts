import { diffArrays, structuredPatch } from "diff";
import { splitLines } from "../../src/edits/document.js";
import type { SearchReplaceEdit, UdiffEdit, WholeEdit } from "../../src/edits/index.js";

/** A changed region: old lines [aStart, aEnd) become new lines [bStart, bEnd). */
export interface Change {
  aStart: number;
  aEnd: number;
  bStart: number;
  bEnd: number;
}

/** The changed regions between two line arrays, in order. */
export function changes(a: readonly string[], b: readonly string[]): Change[] {
  const out: Change[] = [];
  let ai = 0;
  let bi = 0;
  let open: Change | undefined;
  for (const part of diffArrays([...a], [...b])) {
    const n = part.value.length;
    if (!part.added && !part.removed) {
      if (open) out.push(open);
      open = undefined;
      ai += n;
      bi += n;
      continue;
    }
    open ??= { aStart: ai, aEnd: ai, bStart: bi, bEnd: bi };
    if (part.added) bi += n;
    else ai += n;
    open.aEnd = ai;
    open.bEnd = bi;
  }
  if (open) out.push(open);
  return out;
}

function occurrences(lines: readonly string[], seq: readonly string[]): number {
  let n = 0;
  for (let i = 0; i + seq.length <= lines.length; i++) {
    let k = 0;
    while (k < seq.length && lines[i + k] === seq[k]) k++;
    if (k === seq.length) n++;
  }
  return n;
}

/** Merges changes whose unchanged gap is at most `maxGap` lines (a model's larger block). */
export function mergeChanges(cs: readonly Change[], maxGap: number): Change[] {
  const out: Change[] = [];
  for (const c of cs) {
    const last = out[out.length - 1];
    if (last && c.aStart - last.aEnd <= maxGap) {
      last.aEnd = c.aEnd;
      last.bEnd = c.bEnd;
    } else out.push({ ...c });
  }
  return out;
}

/**
 * Minimal search/replace blocks, as a careful model writes them: each change plus the fewest
 * surrounding lines that make its SEARCH text unique in the file as it is when the block applies.
 */
export function writeSearchReplace(path: string, before: string, after: string, cs?: Change[]): SearchReplaceEdit[] {
  const a = splitLines(before).lines;
  const b = splitLines(after).lines;
  const cur = [...a];
  let off = 0;
  const edits: SearchReplaceEdit[] = [];
  for (const c of cs ?? changes(a, b)) {
    const s = c.aStart + off;
    const e = c.aEnd + off;
    let above = 0;
    let below = 0;
    let search = cur.slice(s, e);
    for (let turn = 0; search.length === 0 || occurrences(cur, search) !== 1; turn++) {
      const canUp = s - above > 0;
      const canDown = e + below < cur.length;
      if (!canUp && !canDown) break;
      if ((turn % 2 === 0 && canUp) || !canDown) above++;
      else below++;
      search = cur.slice(s - above, e + below);
    }
    const replace = [...cur.slice(s - above, s), ...b.slice(c.bStart, c.bEnd), ...cur.slice(e, e + below)];
    edits.push({ kind: "search-replace", path, search: text(search), replace: text(replace) });
    cur.splice(s - above, search.length, ...replace);
    off += c.bEnd - c.bStart - (c.aEnd - c.aStart);
  }
  return edits;
}

/** `diff -U3` of the commit, as one udiff edit. */
export function writeUdiff(path: string, before: string, after: string): UdiffEdit {
  const p = structuredPatch(`a/${path}`, `b/${path}`, before, after, undefined, undefined, { context: 3 });
  return { kind: "udiff", path, hunks: p.hunks.map((h) => ({ ...h, section: "" })), created: false, deleted: false };
}

/** The whole new file. */
export function writeWhole(path: string, after: string): WholeEdit {
  return { kind: "whole", path, content: after };
}

function text(lines: readonly string[]): string {
  return lines.length === 0 ? "" : lines.join("\n") + "\n";
}
