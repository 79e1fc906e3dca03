import path from "node:path";
import { RepoError, UsageError } from "../errors.js";
import { headCommit, listCheckpoints, storeCheckpoint } from "./checkpoints.js";
import { withRepoLock } from "./lock.js";
import { openRepo } from "./repo.js";
import { applyTree, diffTrees } from "./restore-tree.js";
import { snapshotWorktree } from "./snapshot.js";
import type { UndoResult } from "./types.js";

/**
 * Restores the working tree to checkpoint `id` (default: the newest). First takes a safety
 * checkpoint of the current state (so undoing again with no id returns here), then removes the
 * files created since, brings back deleted ones and rewrites changed ones with their modes and
 * symlinks. Ignored files are left alone (except ones the checkpoint listed as about to change);
 * HEAD, the index, branches and stash are never touched. Holds the repo lock.
 */
export async function undoCheckpoint(root: string, id?: string): Promise<UndoResult> {
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
    // The target's own listed files are force-included, so that an ignored file an edit created
    // shows up as a difference and is removed.
    const [targetTree, currentTree, head] = await Promise.all([
      repo.run(["rev-parse", "--verify", `${target.ref}^{tree}`]).then((s) => s.trim()),
      snapshotWorktree(repo, target.files),
      headCommit(repo),
    ]);
    const changes = await diffTrees(repo, currentTree, targetTree);
    const safety = await storeCheckpoint(repo, {
      tree: currentTree,
      head,
      task: `undo to checkpoint ${target.id}`,
      files: changes.map((c) => c.path),
    });
    const displaceDir = path.join(repo.sparkDir, "displaced", safety.id);
    const { changed, displaced } = await applyTree(repo, targetTree, changes, displaceDir);
    return { restored: target, safety, changed, displaced };
  });
}
