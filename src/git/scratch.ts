import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { openRepo, type Repo } from "./repo.js";

/** Creates Spark's scratch folders of `repo` (idempotent). */
export async function ensureSparkDirs(repo: Repo): Promise<void> {
  await mkdir(repo.sparkDir, { recursive: true });
  if (repo.sharedDir !== repo.sparkDir) await mkdir(repo.sharedDir, { recursive: true });
}

/**
 * The folder for the applier's temp files in the repository containing `root`:
 * `<git dir>/spark/tmp` (created), so `git status` never shows them.
 */
export async function editTempDir(root: string): Promise<string> {
  const dir = path.join((await openRepo(root)).sparkDir, "tmp");
  await mkdir(dir, { recursive: true });
  return dir;
}

/**
 * Writes `paths` NUL-separated to `<sparkDir>/<name>` and returns the git arguments that read
 * them as pathspecs, so any number of paths (and any characters in them) fit.
 */
export async function pathspecFile(repo: Repo, name: string, paths: readonly string[]): Promise<string[]> {
  const file = path.join(repo.sparkDir, name);
  await writeFile(file, paths.map((p) => `${p}\0`).join(""));
  return [`--pathspec-from-file=${file}`, "--pathspec-file-nul"];
}

/** Splits `git ... -z` output into its NUL-terminated records. */
export function splitNul(out: string): string[] {
  return out.split("\0").filter((s) => s.length > 0);
}
