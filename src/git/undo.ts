import path from "node:path";
import { RepoError, UsageError } from "../errors.js";
import { headCommit, listCheckpoints, recordAfter, storeCheckpoint } from "./checkpoints.js";
import { currentHashes } from "./content-hash.js";
import { withRepoLock } from "./lock.js";
import { openRepo } from "./repo.js";
import { applyTree, diffTrees } from "./restore-tree.js";
import { snapshotWorktree } from "./snapshot.js";
import type { CheckpointInfo, UndoOptions, UndoResult } from "./types.js";

/** Undo would overwrite edits made after the checkpoint's change (exit 4); `--force` restores anyway. */
export class UndoConflictError extends RepoError {
  constructor(
    readonly checkpoint: CheckpointInfo,
    readonly paths: string[],
  ) {
    const list = paths.length > 3 ? `${paths.slice(0, 3).join(", ")} and ${paths.length - 3} more` : paths.join(", ");
    super(`${list} changed after checkpoint ${checkpoint.id}'s change; nothing was restored (spark undo ${checkpoint.id} --force restores them anyway)`);
  }
}

/**
 * Undoes the change of checkpoint `id` (default: the newest) and those after it: brings the files
 * those changes touched (`CheckpointInfo.files`) back to how checkpoint `id` found them, and
 * nothing else; files they created are removed, deleted ones come back, with their modes and
 * symlinks. Where one of those files was edited after the last change that touched it, it stops
 * with `UndoConflictError` and changes nothing, unless `force`. First takes a safety checkpoint
 * of the current state (so undoing again with no id returns here). Ignored files are left alone
 * (except listed ones); HEAD, the index, branches and stash are never touched. Holds the repo lock.
 */
export async function undoCheckpoint(root: string, id?: string, opts: UndoOptions = {}): Promise<UndoResult> {
  const repo = await openRepo(root);
  if (id !== undefined && !/^[1-9]\d*$/.test(id)) throw new UsageError(`not a checkpoint id: "${id}" (run spark checkpoints)`);
  return withRepoLock(repo.root, async () => {
    const all = await listCheckpoints(repo.root);
    const target = id === undefined ? all[0] : all.find((c) => c.id === id);
    if (!target) {
      throw id === undefined
        ? new RepoError("nothing to undo: this repository has no Spark checkpoints")
        : new UsageError(`no checkpoint ${id} (run spark checkpoints)`);
    }
    // Each file with what the newest change touching it left there (oldest first, so newer win).
    const lastAfter = new Map<string, string | null | undefined>();
    for (const c of all.filter((c) => Number(c.id) >= Number(target.id)).reverse()) {
      for (const f of c.files) lastAfter.set(f, c.after?.[f]);
    }
    const touched = [...lastAfter.keys()];
    // The listed files are force-included, so that an ignored file an edit created shows up as a
    // difference and is removed.
    const [targetTree, currentTree, head] = await Promise.all([
      repo.run(["rev-parse", "--verify", `${target.ref}^{tree}`]).then((s) => s.trim()),
      snapshotWorktree(repo, touched),
      headCommit(repo),
    ]);
    const changes = (await diffTrees(repo, currentTree, targetTree)).filter((c) => lastAfter.has(c.path));
    const paths = changes.map((c) => c.path);
    if (opts.force !== true) {
      // A file as the last change left it is the changes' to undo; any other state is later work.
      const now = await currentHashes(repo.root, paths);
      const later = paths.filter((p) => {
        const after = lastAfter.get(p);
        return after !== undefined && now[p] !== after;
      });
      if (later.length > 0) throw new UndoConflictError(target, later);
    }
    const safety = await storeCheckpoint(repo, { tree: currentTree, head, task: `undo to checkpoint ${target.id}`, files: paths });
    const displaceDir = path.join(repo.sparkDir, "displaced", safety.id);
    const { changed, displaced } = await applyTree(repo, targetTree, changes, displaceDir);
    // What this undo wrote, so undoing it in turn (redo) can tell later edits apart too.
    const recorded = await recordAfter(repo, safety, await currentHashes(repo.root, paths));
    return { restored: target, safety: recorded, changed, displaced };
  });
}
