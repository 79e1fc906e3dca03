import { copyFile, lstat, unlink } from "node:fs/promises";
import path from "node:path";
import type { Repo } from "./repo.js";
import { ensureSparkDirs, pathspecFile, splitNul } from "./scratch.js";

// `safecrlf` would make `git add` refuse files whose line endings it would convert; a checkpoint
// must never refuse. A split index would share files with the user's index.
const ADD_CONFIG = ["-c", "core.safecrlf=false", "-c", "core.splitIndex=false"];

/**
 * Writes the whole working tree (tracked files with unstaged changes, untracked files that are
 * not ignored, modes, symlinks, deletions, plus the `force` paths even when ignored) as a tree
 * object and returns its id. Uses Spark's own index (`<gitDir>/spark/index`), kept between
 * calls so that git's stat cache makes the cost proportional to what changed; the user's index
 * is only read, once, to seed it. Call with the repo lock held.
 */
export async function snapshotWorktree(repo: Repo, force: readonly string[] = []): Promise<string> {
  await ensureSparkDirs(repo);
  const index = path.join(repo.sparkDir, "index");
  // Holding the repo lock, any index.lock here is left by a killed Spark.
  await unlink(`${index}.lock`).catch(() => undefined);
  const existed = await lstat(index).then(
    () => true,
    () => false,
  );
  try {
    return await buildTree(repo, index, force);
  } catch (err) {
    if (!existed) throw err;
    // A damaged or unreadable scratch index is only a cache: start again from the user's.
    await unlink(index).catch(() => undefined);
    return await buildTree(repo, index, force);
  }
}

async function buildTree(repo: Repo, index: string, force: readonly string[]): Promise<string> {
  await seedIndex(repo, index);
  await repo.run([...ADD_CONFIG, "add", "-A"], { index });
  const forced = await existingFiles(repo.root, force);
  // Listing tracked-but-ignored entries reads the index that `add -f` replaces atomically, so
  // the two can run together; forced paths are never counted as stale.
  const [trackedIgnored] = await Promise.all([
    repo.run(["ls-files", "-z", "-c", "-i", "--exclude-standard"], { index }),
    forced.length > 0 ? repo.run([...ADD_CONFIG, "add", "-f", ...(await pathspecFile(repo, "force-paths", forced))], { index }) : null,
  ]);
  const keep = new Set(forced);
  await dropStaleIgnored(
    repo,
    index,
    splitNul(trackedIgnored).filter((p) => !keep.has(p)),
  );
  return (await repo.run(["write-tree"], { index })).trim();
}

/** First use: copy the user's index, whose stat cache spares hashing every unchanged file. */
async function seedIndex(repo: Repo, index: string): Promise<void> {
  const exists = await lstat(index).then(
    () => true,
    () => false,
  );
  if (exists) return;
  await copyFile(path.join(repo.gitDir, "index"), index).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== "ENOENT") throw err;
  });
}

/**
 * Ignored files stay in a kept index once added (force-added paths, or files ignored later).
 * Keep only those the user tracks too, so a snapshot is always what `git add -A` would see
 * plus this call's forced paths.
 */
async function dropStaleIgnored(repo: Repo, index: string, candidates: string[]): Promise<void> {
  if (candidates.length === 0) return;
  const theirs = new Set(splitNul(await repo.run(["ls-files", "-z", "-c", "-i", "--exclude-standard"])));
  const stale = candidates.filter((p) => !theirs.has(p));
  if (stale.length === 0) return;
  await repo.run(["rm", "--cached", "-f", "-q", "--ignore-unmatch", ...(await pathspecFile(repo, "stale-paths", stale))], {
    index,
  });
}

/**
 * The paths that exist as files or symlinks (never folders: `add -f dir` would add all it
 * ignores), and that git can add: not beyond a symlink, not inside a nested repository.
 */
async function existingFiles(root: string, paths: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const p of new Set(paths)) {
    const st = await lstat(path.join(root, p)).catch(() => null);
    if (st && !st.isDirectory() && (await addable(root, p))) found.push(p);
  }
  return found;
}

/** No folder on the way to `p` is a symlink or holds a `.git` of its own. */
async function addable(root: string, p: string): Promise<boolean> {
  const parts = p.split("/").slice(0, -1);
  for (let i = 1; i <= parts.length; i++) {
    const dir = path.join(root, ...parts.slice(0, i));
    if ((await lstat(dir).catch(() => null))?.isSymbolicLink() !== false) return false;
    if (await lstat(path.join(dir, ".git")).then(() => true, () => false)) return false;
  }
  return true;
}
