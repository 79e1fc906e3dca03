/**
 * Spark's only door to git: checkpoints of the working tree under `refs/spark/checkpoints/*`,
 * undo, the optional commit mode, and the repo lock. HEAD, the user's index, branches and stash
 * are never touched (except by `commitApplied`, which is the opt-in `--commit` mode).
 */
export type { CheckpointInfo, CheckpointOptions, UndoOptions, UndoResult } from "./types.js";
export { findRepoRoot, initRepo } from "./repo.js";
export { listFiles } from "./files.js";
export { createCheckpoint, listCheckpoints, pruneCheckpoints } from "./checkpoints.js";
export { UndoConflictError, undoCheckpoint } from "./undo.js";
export { commitApplied } from "./commit.js";
export { withRepoLock, type RepoLockOptions } from "./lock.js";
export { editTempDir } from "./scratch.js";
export { gitVersion, MIN_GIT_VERSION } from "./version.js";
