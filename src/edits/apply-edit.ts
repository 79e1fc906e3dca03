import path from "node:path";
import { EditParseError, type EditFailure, type EditFailureReason } from "./errors.js";
import { textLines } from "./formats/line-parser.js";
import { searchReplaceFormat } from "./formats/search-replace.js";
import { matchBlock, quoteLines, type MatchOutcome } from "./match/index.js";
import { mergeElided } from "./lazy-whole.js";
import { splitElided } from "./match/elision.js";
import type { Edit, UdiffEdit, UdiffHunk } from "./types.js";

/** One file while a response's edits are applied to it in memory. */
export interface FileState {
  path: string;
  exists: boolean;
  lines: string[];
  finalNewline: boolean;
}

/** Files where typographic apostrophes are text, not code. */
const isProse = (p: string): boolean => /\.(md|markdown|mdx|txt|rst|adoc)$/i.test(p);

type Fail = (reason: EditFailureReason, message: string, modelMessage: string, extra?: Partial<EditFailure>) => EditFailure;

/** Applies one edit to `state` in place; returns why not when it does not apply (state untouched). */
export function applyEdit(state: FileState, edit: Edit, index: number): EditFailure | undefined {
  const label = `edit ${index + 1} (${state.path})`;
  const fail: Fail = (reason, message, modelMessage, extra) => ({ path: state.path, index, reason, message: `${label}: ${message}`, modelMessage, ...extra });
  switch (edit.kind) {
    case "search-replace":
      return applySearchReplace(state, textLines(edit.search), textLines(edit.replace), fail);
    case "udiff":
      return applyUdiff(state, edit, fail);
    case "whole":
      return applyWholeOrBlocks(state, edit.content, fail);
    case "delete":
      if (!state.exists) return fail("missing-file", "file does not exist", `Cannot delete ${state.path}: it does not exist.`);
      Object.assign(state, { exists: false, lines: [], finalNewline: false });
      return undefined;
    default: {
      const never: never = edit;
      return never;
    }
  }
}

function applySearchReplace(state: FileState, search: string[], replace: string[], fail: Fail): EditFailure | undefined {
  if (search.length === 0) {
    // Empty SEARCH: create the file, or add to its end.
    if (!state.exists || state.lines.length === 0) state.finalNewline = replace.length > 0;
    state.lines.push(...replace);
    state.exists = true;
    return undefined;
  }
  if (!state.exists) {
    return fail("missing-file", "file does not exist", `${state.path} does not exist. To create it, use an empty SEARCH section and put the whole content in REPLACE.`);
  }
  const out = matchBlock(state.lines, search, replace, { prose: isProse(state.path) });
  if (out.ok) {
    state.lines.splice(out.start, out.end - out.start, ...out.lines);
    return undefined;
  }
  return describeMiss(state, search, out, fail, "SEARCH text");
}

function describeMiss(state: FileState, search: string[], out: Exclude<MatchOutcome, { ok: true }>, fail: Fail, what: string): EditFailure {
  const p = state.path;
  if (out.reason === "bad-edit") return fail("bad-edit", out.detail, `In ${p}: ${out.detail}`);
  if (out.reason === "ambiguous") {
    const candidates = out.candidates.map((c) => ({ startLine: c.start + 1, endLine: c.end }));
    const where = candidates.map((c) => `lines ${c.startLine}–${c.endLine}`).join(", ");
    return fail(
      "ambiguous",
      `${what} matches ${candidates.length} places (${where})`,
      `The ${what} for ${p} matches ${candidates.length} places: ${where}. Include more of the surrounding lines so it matches exactly one.`,
      { candidates },
    );
  }
  const c = out.closest;
  if (!c) {
    return fail("no-match", `${what} not found`, `The ${what} for ${p} is not in the file, and no part of it resembles the file. Copy the lines exactly from the current file.`);
  }
  return fail(
    "no-match",
    `${what} not found (closest: lines ${c.start + 1}–${c.end})`,
    `The ${what} for ${p} is not in the file. Did you mean lines ${c.start + 1}–${c.end}:\n${quoteLines(state.lines, c.start, c.end)}\nCopy the lines exactly as they are in the file, including indentation.`,
  );
}

function hunkSides(h: UdiffHunk): { search: string[]; replace: string[]; oldNoEol: boolean; newNoEol: boolean } {
  const search: string[] = [];
  const replace: string[] = [];
  let oldNoEol = false;
  let newNoEol = false;
  let prev = "";
  for (const line of h.lines) {
    const tag = line[0] ?? " ";
    if (tag === "\\") {
      if (prev !== "+") oldNoEol = true;
      if (prev !== "-") newNoEol = true;
      continue;
    }
    const body = line.slice(1);
    if (tag === "-") search.push(body);
    else if (tag === "+") replace.push(body);
    else {
      search.push(body);
      replace.push(body);
    }
    prev = tag;
  }
  // A marker belongs to the side whose last line it follows; a later line on that side undoes it.
  return { search, replace, oldNoEol, newNoEol };
}

function applyUdiff(state: FileState, edit: UdiffEdit, fail: Fail): EditFailure | undefined {
  const p = state.path;
  if (edit.deleted) {
    if (!state.exists) return fail("missing-file", "file does not exist", `Cannot delete ${p}: it does not exist.`);
    Object.assign(state, { exists: false, lines: [], finalNewline: false });
    return undefined;
  }
  const onlyAdds = edit.hunks.every((h) => h.lines.every((l) => l.startsWith("+") || l.startsWith("\\")));
  if (edit.created || (!state.exists && onlyAdds)) {
    if (state.exists && state.lines.length > 0) {
      return fail("file-exists", "file already exists", `${p} already exists; diff against its current content instead of /dev/null.`);
    }
    const sides = edit.hunks.map(hunkSides);
    state.lines = sides.flatMap((s) => s.replace);
    state.finalNewline = state.lines.length > 0 && !sides.some((s) => s.newNoEol);
    state.exists = true;
    return undefined;
  }
  if (!state.exists) return fail("missing-file", "file does not exist", `${p} does not exist. For a new file use --- /dev/null and only + lines.`);
  const lines = [...state.lines];
  let finalNewline = state.finalNewline;
  let shift = 0;
  for (const [n, h] of edit.hunks.entries()) {
    const { search, replace, oldNoEol, newNoEol } = hunkSides(h);
    const hint = h.oldStart === null ? undefined : Math.max(0, (h.oldLines === 0 ? h.oldStart : h.oldStart - 1) + shift);
    let start: number;
    let end: number;
    let out: string[];
    if (search.length === 0) {
      if (hint === undefined) return fail("bad-edit", `hunk ${n + 1} has no context lines or line number`, `Hunk ${n + 1} for ${p} only adds lines and has no line number or context: add unchanged lines around it.`);
      start = end = Math.min(hint, lines.length);
      out = replace;
    } else {
      const got = matchBlock(lines, search, replace, { hint, prose: isProse(p) });
      if (!got.ok) return describeMiss({ ...state, lines }, search, got, fail, `hunk ${n + 1}`);
      ({ start, end } = got);
      out = got.lines;
    }
    lines.splice(start, end - start, ...out);
    shift += out.length - (end - start);
    if (start + out.length === lines.length) {
      if (newNoEol) finalNewline = false;
      else if (oldNoEol) finalNewline = true;
    }
  }
  state.lines = lines;
  state.finalNewline = finalNewline;
  return undefined;
}

/** A merge-conflict (or SEARCH/REPLACE) marker line. */
const CONFLICT_MARKER = /^(<{7}|>{7})(\s|$)|^={7}\s*$/;

/**
 * A whole-file block whose content is SEARCH/REPLACE blocks (a model that mixed the formats up) is
 * applied as those blocks. Conflict markers the file did not have are never written.
 */
function applyWholeOrBlocks(state: FileState, content: string, fail: Fail): EditFailure | undefined {
  const lines = textLines(content.replaceAll("\r\n", "\n"));
  if (!lines.some((l) => CONFLICT_MARKER.test(l)) || state.lines.some((l) => CONFLICT_MARKER.test(l))) return applyWhole(state, content, fail);
  const refuse = (): EditFailure =>
    fail(
      "bad-edit",
      "the new content holds conflict markers (<<<<<<<, =======, >>>>>>>) the file does not have",
      `Your content for ${state.path} holds <<<<<<< / ======= / >>>>>>> lines. Send either the complete new file in a fenced block, or SEARCH/REPLACE blocks outside any fence.`,
    );
  let blocks: Edit[];
  try {
    const parser = searchReplaceFormat.createParser();
    blocks = [...parser.push(`${state.path}\n${content}`), ...parser.end()].flatMap((e) => (e.type === "edit" ? [e.edit] : []));
  } catch (err) {
    if (err instanceof EditParseError) return refuse();
    throw err;
  }
  if (blocks.length === 0 || blocks.some((b) => b.kind !== "search-replace" || path.posix.normalize(b.path) !== state.path)) return refuse();
  const trial: FileState = { ...state, lines: [...state.lines] };
  for (const b of blocks) {
    if (b.kind !== "search-replace") return refuse();
    const failure = applySearchReplace(trial, textLines(b.search), textLines(b.replace), fail);
    if (failure) return failure;
  }
  Object.assign(state, trial);
  return undefined;
}

function applyWhole(state: FileState, content: string, fail: Fail): EditFailure | undefined {
  let lines = textLines(content.replaceAll("\r\n", "\n"));
  const elided = state.exists && lines.some((l) => splitElided([l]).length > 1 && !state.lines.includes(l));
  if (elided) {
    const merged = mergeElided(state.lines, lines);
    if (!merged.ok && merged.reason === "ambiguous") {
      return fail(
        "ambiguous",
        `the whole-file content's "..." line ${merged.elision} fits more than one place in the file`,
        `Your content for ${state.path} leaves parts out with "..." and the lines around "..." number ${merged.elision} fit more than one place in the file. Write out a few more unchanged lines on each side of it, or send the complete file content.`,
      );
    }
    if (!merged.ok) {
      return fail(
        "bad-edit",
        `the whole-file content has "..." lines that do not fit the file`,
        `Your content for ${state.path} leaves parts out with "..." and the lines around them are not in the file. Send the complete file content.`,
      );
    }
    lines = merged.lines;
  }
  // The file keeps its final newline (a fenced block cannot say whether the last line had one).
  if (!state.exists || state.lines.length === 0) state.finalNewline = lines.length > 0;
  else if (lines.length === 0) state.finalNewline = false;
  state.lines = lines;
  state.exists = true;
  return undefined;
}
