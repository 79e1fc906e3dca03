import { cp, lstat, mkdir, rename, rm, rmdir, unlink } from "node:fs/promises";
import path from "node:path";
import type { Repo } from "./repo.js";
import { pathspecFile } from "./scratch.js";

/** One path that differs between two trees (`git diff-tree -r` raw output). */
export interface TreeChange {
  path: string;
  /** Six octal digits; "000000" when the path is absent on that side. */
  oldMode: string;
  newMode: string;
  /** A, D, M or T. */
  status: string;
}

const GITLINK = "160000";
const ABSENT = "000000";

/** Paths that differ between trees `from` and `to`, with their modes. */
export async function diffTrees(repo: Repo, from: string, to: string): Promise<TreeChange[]> {
  const out = await repo.run(["diff-tree", "-r", "-z", "--no-renames", "--no-commit-id", from, to]);
  const fields = out.split("\0");
  const changes: TreeChange[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const header = (fields[i] ?? "").replace(/^\n/, "");
    if (!header.startsWith(":")) break;
    const [oldMode = "", newMode = "", , , status = ""] = header.slice(1).split(" ");
    changes.push({ path: fields[i + 1] ?? "", oldMode, newMode, status: status.charAt(0) });
  }
  return changes;
}

/** What `applyTree` changed on disk. */
export interface ApplyResult {
  changed: string[];
  displaced: string[];
}

/**
 * Makes the working tree match `tree` at the `changes` (from `diffTrees(current, tree)`):
 * removes what `tree` lacks, then writes the rest with `git restore` (bytes, modes, symlinks)
 * using an empty scratch index, so the user's index is never read for this nor written.
 * Submodules are left alone. Untracked things in the way of a restored file are moved under
 * `displaceDir`, never deleted.
 */
export async function applyTree(repo: Repo, tree: string, changes: TreeChange[], displaceDir: string): Promise<ApplyResult> {
  const removals = changes.filter((c) => c.oldMode !== ABSENT && c.oldMode !== GITLINK && (c.newMode === ABSENT || c.newMode === GITLINK));
  const writes = changes.filter((c) => c.newMode !== ABSENT && c.newMode !== GITLINK);
  for (const c of removals) await removeFile(path.join(repo.root, c.path));
  await pruneEmptyDirs(repo.root, removals.map((c) => path.posix.dirname(c.path)));

  const displaced: string[] = [];
  const knownDirs = new Set<string>();
  for (const c of writes) await clearWay(repo.root, c, displaceDir, displaced, knownDirs);
  if (writes.length > 0) {
    const index = path.join(repo.sparkDir, "index.restore");
    await rm(index, { force: true });
    const paths = await pathspecFile(
      repo,
      "restore-paths",
      writes.map((c) => c.path),
    );
    await repo.run(["-c", "core.splitIndex=false", "restore", `--source=${tree}`, "--worktree", ...paths], { index });
    await rm(index, { force: true });
  }
  const changed = [...new Set([...removals, ...writes].map((c) => c.path))];
  return { changed, displaced };
}

async function removeFile(file: string): Promise<void> {
  const st = await lstat(file).catch(() => null);
  if (!st || st.isDirectory()) return;
  await unlink(file);
}

/** Removes folders left empty by removals, deepest first, never the root. */
async function pruneEmptyDirs(root: string, dirs: string[]): Promise<void> {
  const byDepth = [...new Set(dirs)].sort((a, b) => b.split("/").length - a.split("/").length);
  for (let dir of byDepth) {
    while (dir !== "." && dir !== "") {
      try {
        await rmdir(path.join(root, dir));
      } catch {
        break;
      }
      dir = path.posix.dirname(dir);
    }
  }
}

/**
 * Whatever stands where `change.path` must be written and is not part of the current snapshot
 * (an ignored file where a folder must go, a folder still holding ignored files where a file
 * must go, an ignored file at the very path) moves under `displaceDir`; git would otherwise
 * delete or overwrite it, and no checkpoint holds it.
 */
async function clearWay(root: string, change: TreeChange, displaceDir: string, displaced: string[], knownDirs: Set<string>): Promise<void> {
  const rel = change.path;
  const parts = rel.split("/");
  for (let i = 1; i < parts.length; i++) {
    const prefix = parts.slice(0, i).join("/");
    if (knownDirs.has(prefix)) continue;
    const st = await lstat(path.join(root, prefix)).catch(() => null);
    if (!st) return;
    if (st.isDirectory()) {
      knownDirs.add(prefix);
      continue;
    }
    await displace(root, prefix, displaceDir);
    displaced.push(prefix);
    return;
  }
  const st = await lstat(path.join(root, rel)).catch(() => null);
  if (!st) return;
  if (!st.isDirectory()) {
    // Present on disk but absent from the snapshot: ignored, and only here.
    if (change.oldMode !== ABSENT) return;
    await displace(root, rel, displaceDir);
    displaced.push(rel);
    return;
  }
  const emptied = await rmdir(path.join(root, rel)).then(
    () => true,
    () => false,
  );
  if (emptied) return;
  await displace(root, rel, displaceDir);
  displaced.push(rel);
}

async function displace(root: string, rel: string, displaceDir: string): Promise<void> {
  const from = path.join(root, rel);
  const to = path.join(displaceDir, rel);
  await mkdir(path.dirname(to), { recursive: true });
  try {
    await rename(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EXDEV") throw err;
    await cp(from, to, { recursive: true, verbatimSymlinks: true });
    await rm(from, { recursive: true, force: true });
  }
}
