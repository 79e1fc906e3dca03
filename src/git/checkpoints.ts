import { readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { UsageError } from "../errors.js";
import { withRepoLock } from "./lock.js";
import { CHECKPOINT_PREFIX, CHECKPOINT_REF_FORMAT, checkpointMessage, parseCheckpointRefs } from "./meta.js";
import { openRepo, repoRelative, type Repo } from "./repo.js";
import { contentHash } from "./content-hash.js";
import { snapshotWorktree } from "./snapshot.js";
import type { CheckpointInfo, CheckpointOptions } from "./types.js";

// Checkpoint commits are Spark's, not the user's: a fixed identity means they work in a repo
// with no user.name/user.email, and never carry a signature prompt.
const SPARK_IDENTITY = {
  GIT_AUTHOR_NAME: "Spark",
  GIT_AUTHOR_EMAIL: "spark@localhost",
  GIT_COMMITTER_NAME: "Spark",
  GIT_COMMITTER_EMAIL: "spark@localhost",
};

/**
 * Snapshots the whole working tree into `refs/spark/checkpoints/<n>` (n one more than any
 * before), recording `task`, the time and `files`. Works before the first commit. Holds the
 * repo lock; never touches HEAD, the index, branches or stash.
 */
export async function createCheckpoint(root: string, opts: CheckpointOptions): Promise<CheckpointInfo> {
  const repo = await openRepo(root);
  const files = opts.files.map((f) => repoRelative(repo, root, f));
  const after = opts.after ? afterHashes(opts.after, (f) => repoRelative(repo, root, f)) : undefined;
  return withRepoLock(repo.root, async () => {
    const [tree, head] = await Promise.all([snapshotWorktree(repo, files), headCommit(repo)]);
    return storeCheckpoint(repo, { tree, head, task: opts.task, files, ...(after ? { after } : {}) });
  });
}

function afterHashes(after: ReadonlyMap<string, Uint8Array | undefined>, rel: (f: string) => string): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const [f, bytes] of after) out[rel(f)] = bytes ? contentHash(bytes) : null;
  return out;
}

/** Every checkpoint, newest first. */
export async function listCheckpoints(root: string): Promise<CheckpointInfo[]> {
  const repo = await openRepo(root);
  return parseCheckpointRefs(await repo.run(["for-each-ref", `--format=${CHECKPOINT_REF_FORMAT}`, CHECKPOINT_PREFIX]));
}

/** Deletes all but the newest `keep` checkpoints (default 100); returns the removed ids, newest first. */
export async function pruneCheckpoints(root: string, keep = 100): Promise<string[]> {
  if (!Number.isInteger(keep) || keep < 0) throw new UsageError(`checkpoints to keep must be a whole number >= 0, got ${keep}`);
  const repo = await openRepo(root);
  return withRepoLock(repo.root, async () => {
    const old = (await listCheckpoints(repo.root)).slice(keep);
    for (const c of old) await repo.run(["update-ref", "-d", c.ref]);
    return old.map((c) => c.id);
  });
}

/** The commit HEAD points at; "" before the first commit. */
export async function headCommit(repo: Repo): Promise<string> {
  return repo.run(["rev-parse", "-q", "--verify", "HEAD^{commit}"]).then(
    (s) => s.trim(),
    () => "",
  );
}

/** What `storeCheckpoint` records. */
export interface CheckpointContent {
  /** Tree object of the working tree. */
  tree: string;
  /** Parent commit (HEAD), "" for none. */
  head: string;
  task: string;
  files: string[];
  after?: Record<string, string | null>;
}

/** Commits a snapshot as the next checkpoint. Call with the lock held. */
export async function storeCheckpoint(repo: Repo, content: CheckpointContent): Promise<CheckpointInfo> {
  const { tree, head, task, files, after } = content;
  let id = await nextId(repo, false);
  const time = new Date();
  const messageFile = path.join(repo.sparkDir, "message");
  await writeFile(messageFile, checkpointMessage(id, task, time, files, after));
  const parent = head ? ["-p", head] : [];
  const commit = (await repo.run(["commit-tree", "--no-gpg-sign", ...parent, "-F", messageFile, tree], { env: SPARK_IDENTITY })).trim();
  let ref = `${CHECKPOINT_PREFIX}${id}`;
  // Empty old value: never overwrite. Should the counter lag behind the refs (deleted, or refs
  // made by hand), number from the refs instead.
  try {
    await repo.run(["update-ref", "-m", `spark checkpoint ${id}`, ref, commit, ""]);
  } catch {
    id = await nextId(repo, true);
    ref = `${CHECKPOINT_PREFIX}${id}`;
    await repo.run(["update-ref", "-m", `spark checkpoint ${id}`, ref, commit, ""]);
  }
  await saveCounter(repo, Number(id));
  return { id, ref, time, task, files, ...(after ? { after } : {}) };
}

/**
 * Records what the change of checkpoint `cp` left in its files (`after`), for a checkpoint taken
 * before the change was known: its commit is replaced by one with the same tree, parent and time.
 * Call with the lock held.
 */
export async function recordAfter(repo: Repo, cp: CheckpointInfo, after: Record<string, string | null>): Promise<CheckpointInfo> {
  const old = (await repo.run(["rev-parse", "--verify", `${cp.ref}^{commit}`])).trim();
  const parents = (await repo.run(["rev-list", "--parents", "-n", "1", old])).trim().split(" ").slice(1);
  const tree = (await repo.run(["rev-parse", "--verify", `${old}^{tree}`])).trim();
  const messageFile = path.join(repo.sparkDir, "message");
  await writeFile(messageFile, checkpointMessage(cp.id, cp.task, cp.time, cp.files, after));
  const commit = (await repo.run(["commit-tree", "--no-gpg-sign", ...parents.flatMap((p) => ["-p", p]), "-F", messageFile, tree], { env: SPARK_IDENTITY })).trim();
  await repo.run(["update-ref", "-m", `spark checkpoint ${cp.id}: after`, cp.ref, commit, old]);
  return { ...cp, after };
}

// The last id handed out, so ids keep increasing even after pruning every checkpoint.
function counterPath(repo: Repo): string {
  return path.join(repo.sharedDir, "last-id");
}

/** One more than the counter, or (when there is no counter, or `scan`) than every checkpoint ref too. */
async function nextId(repo: Repo, scan: boolean): Promise<string> {
  let max = Number((await readFile(counterPath(repo), "utf8").catch(() => "")).trim());
  if (!Number.isInteger(max) || max <= 0 || scan) {
    if (!Number.isInteger(max) || max < 0) max = 0;
    const refs = await repo.run(["for-each-ref", "--format=%(refname)", CHECKPOINT_PREFIX]);
    for (const ref of refs.split("\n")) {
      const n = Number(ref.slice(CHECKPOINT_PREFIX.length));
      if (ref.startsWith(CHECKPOINT_PREFIX) && Number.isInteger(n) && n > max) max = n;
    }
  }
  return String(max + 1);
}

async function saveCounter(repo: Repo, id: number): Promise<void> {
  const tmp = `${counterPath(repo)}.tmp`;
  await writeFile(tmp, `${id}\n`);
  await rename(tmp, counterPath(repo));
}
