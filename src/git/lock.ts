import { AsyncLocalStorage } from "node:async_hooks";
import { link, mkdir, open, readFile, rename, stat, unlink } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { RepoError } from "../errors.js";
import { openRepo } from "./repo.js";

/** Options of `withRepoLock`. */
export interface RepoLockOptions {
  /**
   * How long to wait for another Spark process to release the lock, in ms. Default 15000: on a
   * loaded machine another process's checkpoint held it past 3 s, and waiting costs a person less
   * than a refused command.
   */
  waitMs?: number;
  /** Time between tries while waiting, in ms. Default 25. */
  pollMs?: number;
}

// Lock files held by the current async call chain, so nested calls (an undo taking its safety
// checkpoint, or a caller holding the lock around checkpoint + apply) do not deadlock.
const heldHere = new AsyncLocalStorage<ReadonlySet<string>>();

/**
 * Runs `fn` while holding the repository's Spark lock (`<git common dir>/spark/lock`, created
 * with O_EXCL and holding `pid host`). A lock whose pid is dead on this host is stale and taken
 * over. Re-entrant within one async call chain. `RepoError` when another process keeps it longer
 * than `waitMs`.
 */
export async function withRepoLock<T>(root: string, fn: () => Promise<T>, opts: RepoLockOptions = {}): Promise<T> {
  const repo = await openRepo(root);
  const lockPath = path.join(repo.sharedDir, "lock");
  const held = heldHere.getStore() ?? new Set<string>();
  if (held.has(lockPath)) return fn();
  await acquire(lockPath, opts);
  try {
    return await heldHere.run(new Set([...held, lockPath]), fn);
  } finally {
    await unlink(lockPath).catch(() => undefined);
  }
}

interface Owner {
  pid: number;
  host: string;
}

async function acquire(lockPath: string, opts: RepoLockOptions): Promise<void> {
  const waitMs = opts.waitMs ?? 15_000;
  const pollMs = opts.pollMs ?? 25;
  const deadline = Date.now() + waitMs;
  await mkdir(path.dirname(lockPath), { recursive: true });
  for (;;) {
    if (await tryCreate(lockPath)) return;
    const owner = await readOwner(lockPath);
    if (await isStale(lockPath, owner)) {
      await breakStale(lockPath, owner);
      continue;
    }
    if (Date.now() >= deadline) throw heldError(lockPath, owner);
    await delay(pollMs);
  }
}

async function tryCreate(lockPath: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(lockPath, "wx");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw new RepoError(`cannot create ${lockPath}: ${(err as Error).message}`, { cause: err });
  }
  try {
    await handle.writeFile(`${process.pid} ${os.hostname()}\n`);
  } finally {
    await handle.close();
  }
  return true;
}

/** The lock's owner; null while it is being written, or gone. */
async function readOwner(lockPath: string): Promise<Owner | null> {
  const text = await readFile(lockPath, "utf8").catch(() => "");
  const [pid, host = ""] = text.trim().split(/\s+/);
  const n = Number(pid);
  return Number.isInteger(n) && n > 0 ? { pid: n, host } : null;
}

// A lock file that stays empty this long belongs to a process killed between create and write.
const EMPTY_LOCK_STALE_MS = 10_000;

async function isStale(lockPath: string, owner: Owner | null): Promise<boolean> {
  if (!owner) {
    const st = await stat(lockPath).catch(() => null);
    return st !== null && Date.now() - st.mtimeMs > EMPTY_LOCK_STALE_MS;
  }
  if (owner.host !== os.hostname()) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/**
 * Removes a stale lock without removing a fresh one a racing process put in its place: move it
 * aside atomically, and put it back if what was moved is not the stale owner's.
 */
async function breakStale(lockPath: string, stale: Owner | null): Promise<void> {
  const aside = `${lockPath}.stale.${process.pid}.${Date.now()}`;
  try {
    await rename(lockPath, aside);
  } catch {
    return; // someone else moved it first
  }
  const moved = await readOwner(aside);
  if (moved?.pid !== stale?.pid || moved?.host !== stale?.host) {
    await link(aside, lockPath).catch(() => undefined);
  }
  await unlink(aside).catch(() => undefined);
}

function heldError(lockPath: string, owner: Owner | null): RepoError {
  const who = owner
    ? owner.pid === process.pid && owner.host === os.hostname()
      ? "another operation in this Spark process"
      : `another Spark process (pid ${owner.pid}${owner.host !== os.hostname() ? ` on ${owner.host}` : ""})`
    : "another Spark process";
  return new RepoError(`${who} is using this repository; if none is running, delete ${lockPath}`);
}
