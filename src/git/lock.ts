/** Options of `withRepoLock`. */
export interface RepoLockOptions {
  /** How long to wait for another Spark process to release the lock, in ms. Default 3000. */
  waitMs?: number;
}

/** Runs `fn` while holding `.git/spark/lock` (stub). */
export async function withRepoLock<T>(_root: string, fn: () => Promise<T>, _opts: RepoLockOptions = {}): Promise<T> {
  return fn();
}
