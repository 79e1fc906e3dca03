/**
 * The recent history the context engine ranks by: which files each commit touched (co-change),
 * and how recently (recency). Read-only.
 */
import { InterruptedError } from "../errors.js";
import { readGit } from "./files.js";

/** Files touched by recent commits. */
export interface FileHistory {
  /** HEAD's commit id (empty in a repository without commits): the history is a function of it. */
  head: string;
  /** One entry per commit, newest first: the paths it changed (renames as delete + add). */
  commits: string[][];
}

/** Commits larger than this are bulk changes (formatting, moves): they say nothing about coupling. */
export const MAX_COMMIT_FILES = 50;

/**
 * The last `commits` commits of HEAD with their changed files (merges skipped, commits touching
 * more than `MAX_COMMIT_FILES` files dropped). Empty in a repository without commits.
 */
export async function recentHistory(root: string, commits = 1000, signal?: AbortSignal): Promise<FileHistory> {
  const head = await headCommit(root, signal);
  if (head === "") return { head, commits: [] };
  const out = await readGit(root, ["log", `-n${commits}`, "--no-merges", "--name-only", "-z", "--format=%x01", "--no-renames", "HEAD"], signal);
  const list: string[][] = [];
  for (const chunk of out.split("\x01")) {
    const files = chunk.split(/[\0\n]/).map((f) => f.trim()).filter((f) => f.length > 0);
    if (files.length > 0 && files.length <= MAX_COMMIT_FILES) list.push(files);
  }
  return { head, commits: list };
}

/** HEAD's commit id, or "" in a repository without commits. */
export async function headCommit(root: string, signal?: AbortSignal): Promise<string> {
  try {
    return (await readGit(root, ["rev-parse", "--verify", "-q", "HEAD"], signal)).trim();
  } catch (err) {
    if (signal?.aborted) throw new InterruptedError();
    void err; // no commits yet: no history to rank by
    return "";
  }
}
