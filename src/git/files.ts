/**
 * Read-only listings of the repository's files. `listFiles` for people (paths only); the context
 * engine's `listRepoFiles` with blob ids and dirty flags through plain `git` (node's execFile): its
 * output runs to hundreds of KB on a large repo, and the caller's AbortSignal must reach the process.
 */
import { execFile, type ExecFileException } from "node:child_process";
import { InterruptedError, RepoError } from "../errors.js";
import { openRepo } from "./repo.js";

/**
 * The repository's files as a person would name them: tracked ones and untracked ones that are
 * not ignored (`git ls-files -co --exclude-standard`), repo-relative with forward slashes,
 * sorted, each once.
 */
export async function listFiles(root: string): Promise<string[]> {
  const repo = await openRepo(root);
  const out = await repo.run(["ls-files", "-z", "-c", "-o", "--exclude-standard"]);
  return [...new Set(out.split("\0").filter((f) => f.length > 0))].sort();
}

/** One candidate file as git sees it. */
export interface RepoFile {
  /** Repo-relative path with forward slashes. */
  path: string;
  /** Untracked, or tracked with unstaged/uncommitted changes: likely to be edited soon. */
  dirty: boolean;
  /**
   * The index's blob id when the working-tree file is tracked and unmodified (git has already
   * checked it against its stat cache), so its content need not be read or hashed again.
   */
  hash?: string;
}

/**
 * Tracked and untracked-not-ignored files (`git ls-files -co --exclude-standard`), without the
 * tracked ones deleted from the working tree, symlinks and submodules. Sorted by path.
 */
export async function listRepoFiles(root: string, signal?: AbortSignal): Promise<RepoFile[]> {
  const out = await readGit(root, ["ls-files", "-z", "-t", "-s", "-c", "-o", "-m", "-d", "--exclude-standard"], signal);
  const entries = new Map<string, { tags: string; hash?: string; skip: boolean; stages: number }>();
  for (const entry of out.split("\0")) {
    if (entry.length < 3) continue;
    const tag = entry[0] ?? "";
    let file = entry.slice(2);
    let hash: string | undefined;
    let skip = false;
    const tab = file.indexOf("\t");
    if (tag !== "?" && tab > 0) {
      // "MODE HASH STAGE\tPATH"
      const [mode = "", id = "", stage = "0"] = file.slice(0, tab).split(" ");
      file = file.slice(tab + 1);
      skip = mode === "120000" || mode === "160000";
      hash = stage === "0" ? id : undefined;
    }
    const e = entries.get(file) ?? { tags: "", skip: false, stages: 0 };
    e.tags += tag;
    e.skip ||= skip;
    if (tag === "H" || tag === "M") e.stages++;
    if (hash !== undefined) e.hash = hash;
    entries.set(file, e);
  }
  const files: RepoFile[] = [];
  for (const [file, e] of entries) {
    if (e.tags.includes("R") || e.skip) continue;
    const dirty = e.tags.includes("C") || e.tags.includes("?") || e.tags.includes("M") || e.stages > 1;
    files.push(dirty || e.hash === undefined ? { path: file, dirty } : { path: file, dirty, hash: e.hash });
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return files;
}

/** Runs a read-only git command in `root`; a failure is a one-line `RepoError`, an abort `InterruptedError`. */
export async function readGit(root: string, args: string[], signal?: AbortSignal): Promise<string> {
  // Node's own execFile rather than execa: half the CPU time per call, and a warm pack makes two.
  const result = await new Promise<{ error: ExecFileException | null; stdout: string; stderr: string }>((resolve) => {
    execFile("git", args, { cwd: root, encoding: "utf8", maxBuffer: MAX_OUTPUT, ...(signal ? { signal } : {}) }, (error, stdout, stderr) => resolve({ error, stdout, stderr }));
  });
  if (signal?.aborted) throw new InterruptedError();
  if (result.error !== null) {
    const why = result.stderr.split("\n")[0] || result.error.message.split("\n")[0] || "";
    throw new RepoError(`git ${args[0] ?? ""} failed: ${why}`);
  }
  return result.stdout;
}

/** Most bytes of output read from one git command (listings of huge repositories run to MBs). */
const MAX_OUTPUT = 1 << 30;
