import path from "node:path";
import { FILE_HEADERS_ONLY, formatPatch } from "diff";
import { applyEdit, type FileState } from "./apply-edit.js";
import { decodeDoc, docText, encodeDoc, type TextDoc } from "./document.js";
import { EditApplyError, EditRefusedError, type EditFailure } from "./errors.js";
import { nodeFs, type EditFs } from "./fs.js";
import { linePatch } from "./line-diff.js";
import { resolveEditPath, type ResolvedPath } from "./resolve-path.js";
import type { Edit } from "./types.js";

/** Options of `planEdits`. */
export interface PlanOptions {
  /** File access. Default: the real file system. */
  fs?: EditFs;
  /** Repo-relative (or absolute) paths the edits may touch; others are refused. Default: any in the repo. */
  allowedPaths?: readonly string[];
}

/** What one file will become. */
export interface FileChange {
  /** Repo-relative path, forward slashes. */
  path: string;
  /** The real file written (symlinks resolved). */
  absPath: string;
  /** Text before (LF line breaks, no BOM); "" for a created file. */
  before: string;
  /** Text after (LF line breaks, no BOM); "" for a deleted file. */
  after: string;
  /** Unified diff before → after (`--- a/path`, `+++ b/path`, 3 lines of context). */
  diff: string;
  added: number;
  removed: number;
  created: boolean;
  deleted: boolean;
  /** Permission bits kept on write (0o644 for a created file). */
  mode: number;
  /** Bytes on disk when planned (undefined: no file); the applier checks they did not change. */
  beforeBytes: Uint8Array | undefined;
  /** Bytes to write (undefined: delete): the file's line breaks, BOM and final newline kept. */
  afterBytes: Uint8Array | undefined;
}

/** Every file a response changes, resolved and checked, nothing written yet. */
export interface EditPlan {
  root: string;
  files: FileChange[];
}

interface Loaded {
  resolved: ResolvedPath;
  state: FileState;
  doc: TextDoc | undefined;
  mode: number;
  bytes: Uint8Array | undefined;
  isDir: boolean;
}

/** Context lines around each change in `FileChange.diff`. */
const CONTEXT = 3;

/**
 * Unified diff before → after. Only the span between the first and last changed line (plus
 * context) is diffed: the file around it is the same on both sides, and diffing it is most of the cost.
 */
function unifiedDiff(p: string, before: string, after: string, created: boolean, deleted: boolean): { diff: string; added: number; removed: number } {
  const a = before.split("\n");
  const b = after.split("\n");
  let head = 0;
  while (head < a.length - 1 && head < b.length - 1 && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - 1 - head && tail < b.length - 1 - head && a[a.length - 2 - tail] === b[b.length - 2 - tail]) tail++;
  // Keep the context, and the last (unterminated) piece so a final-newline change still shows.
  const from = Math.max(0, head - CONTEXT);
  const keepTail = Math.max(0, tail - CONTEXT);
  const piece = (lines: string[]): string =>
    keepTail > 0
      ? lines
          .slice(from, lines.length - 1 - keepTail)
          .map((l) => l + "\n")
          .join("")
      : lines.slice(from).join("\n");
  const patch = linePatch(created ? "/dev/null" : `a/${p}`, deleted ? "/dev/null" : `b/${p}`, piece(a), piece(b), CONTEXT);
  let added = 0;
  let removed = 0;
  for (const h of patch.hunks) {
    if (h.oldLines > 0 || from > 0) h.oldStart += from;
    if (h.newLines > 0 || from > 0) h.newStart += from;
    for (const l of h.lines) {
      if (l.startsWith("+")) added++;
      else if (l.startsWith("-")) removed++;
    }
  }
  return { diff: patch.hunks.length > 0 ? formatPatch(patch, FILE_HEADERS_ONLY) : "", added, removed };
}

async function load(fs: EditFs, resolved: ResolvedPath, p: string): Promise<Loaded> {
  const st = await fs.lstat(resolved.target);
  if (st?.kind === "other") throw notRegular(p);
  const isDir = st?.kind === "directory";
  const bytes = st && !isDir ? await fs.readFile(resolved.target) : undefined;
  const doc = bytes ? decodeDoc(bytes) : undefined;
  if (bytes && !doc) {
    throw new EditRefusedError(p, "binary", `refusing to edit ${JSON.stringify(p)}: it is a binary file`, `${p} is a binary (or non-UTF-8) file; Spark only edits text files.`);
  }
  const state: FileState = { path: resolved.rel, exists: doc !== undefined, lines: doc ? [...doc.lines] : [], finalNewline: doc?.finalNewline ?? false };
  return { resolved, state, doc, mode: st?.mode ?? 0o644, bytes, isDir };
}

function notRegular(p: string): EditRefusedError {
  return new EditRefusedError(
    p,
    "not-regular",
    `refusing to edit ${JSON.stringify(p)}: it is not a regular file (a FIFO, socket or device)`,
    `${p} is not a regular file; Spark only edits regular files.`,
  );
}

/**
 * Refuses (EditRefusedError, exit 4) a path Spark must not edit, before anything opens it: outside
 * the repo, inside .git/, or there but not a regular file (a symlink counts as what it leads to,
 * inside the repo). A path where nothing is yet is fine: an edit may create it.
 */
export async function checkEditTarget(root: string, p: string, fs: EditFs = nodeFs): Promise<void> {
  const absRoot = path.resolve(root);
  const resolved = await resolveEditPath(fs, absRoot, await fs.realpath(absRoot), p);
  const st = await fs.lstat(resolved.target);
  if (st?.kind === "other") throw notRegular(p);
}

/**
 * Dry run: resolves every edit against the current files and returns what each file will become.
 * Throws `EditRefusedError` (exit 4) for a path outside the repo, inside `.git/`, not allowed, a
 * binary file, or not a regular file (never opened); `EditApplyError` (exit 1) listing every edit that does not apply. Writes nothing.
 */
export async function planEdits(root: string, edits: readonly Edit[], opts: PlanOptions = {}): Promise<EditPlan> {
  const fs = opts.fs ?? nodeFs;
  const absRoot = path.resolve(root);
  const realRoot = await fs.realpath(absRoot);
  const resolved: ResolvedPath[] = [];
  for (const e of edits) resolved.push(await resolveEditPath(fs, absRoot, realRoot, e.path));
  if (opts.allowedPaths) {
    const allowed = new Set<string>();
    for (const a of opts.allowedPaths) allowed.add((await resolveEditPath(fs, absRoot, realRoot, a)).target);
    const bad = resolved.findIndex((r) => !allowed.has(r.target));
    const badEdit = edits[bad];
    if (badEdit) {
      const list = opts.allowedPaths.join(", ");
      throw new EditRefusedError(badEdit.path, "not-allowed", `refusing to edit ${JSON.stringify(badEdit.path)}: only ${list} may change`, `You may only edit: ${list}. Leave ${badEdit.path} alone.`);
    }
  }
  const files = new Map<string, Loaded>();
  for (const [i, r] of resolved.entries()) {
    if (!files.has(r.target)) files.set(r.target, await load(fs, r, edits[i]?.path ?? r.rel));
  }
  const failures: EditFailure[] = [];
  for (const [i, e] of edits.entries()) {
    const f = files.get(resolved[i]?.target ?? "");
    if (!f) continue;
    if (f.isDir) {
      failures.push({ path: f.state.path, index: i, reason: "not-a-file", message: `edit ${i + 1} (${f.state.path}): it is a directory`, modelMessage: `${f.state.path} is a directory, not a file.` });
      continue;
    }
    const failure = applyEdit(f.state, e, i);
    if (failure) failures.push(failure);
  }
  if (failures.length > 0) throw new EditApplyError(failures);
  const changes: FileChange[] = [];
  for (const f of files.values()) {
    const c = toChange(f);
    if (c) changes.push(c);
  }
  return { root: absRoot, files: changes };
}

function toChange(f: Loaded): FileChange | undefined {
  const { state, doc } = f;
  const existed = doc !== undefined;
  if (!existed && !state.exists) return undefined;
  const before = doc ? docText(doc) : "";
  const after = state.exists ? docText(state) : "";
  const created = !existed && state.exists;
  const deleted = existed && !state.exists;
  if (!created && !deleted && before === after) return undefined;
  const afterDoc: TextDoc = { lines: state.lines, finalNewline: state.finalNewline, eol: doc?.eol ?? "\n", bom: doc?.bom ?? false };
  return {
    path: state.path,
    absPath: f.resolved.target,
    before,
    after,
    ...unifiedDiff(state.path, before, after, created, deleted),
    created,
    deleted,
    mode: f.mode,
    beforeBytes: f.bytes,
    afterBytes: state.exists ? encodeDoc(afterDoc) : undefined,
  };
}
