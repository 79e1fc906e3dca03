/** One checkpoint: a commit of the whole working tree stored under `refs/spark/checkpoints/<id>`. */
export interface CheckpointInfo {
  /** Increasing number, as a string ("1", "2", ...). */
  id: string;
  /** Full ref name, `refs/spark/checkpoints/<id>`. */
  ref: string;
  /** When the checkpoint was taken (millisecond precision). */
  time: Date;
  /** What Spark was about to do (the user's task, or "before undo to N"). */
  task: string;
  /** Repo-relative paths (forward slashes) that were about to change. */
  files: string[];
  /**
   * What the change left in each of `files`: a hash of its bytes (`contentHash`), null for
   * removed. Undefined when it was not recorded (older checkpoints): undo then cannot tell edits
   * made since from the change itself.
   */
  after?: Record<string, string | null>;
}

/** What `undoCheckpoint` did. */
export interface UndoResult {
  /** The checkpoint whose working tree is now on disk. */
  restored: CheckpointInfo;
  /** The checkpoint taken just before restoring; undo it to get back to where you were. */
  safety: CheckpointInfo;
  /** Repo-relative paths that were written, created or removed. */
  changed: string[];
  /**
   * Untracked things (ignored files, usually) that stood where a restored file had to go; moved
   * under `.git/spark/displaced/<safety id>/` instead of deleted. Usually empty.
   */
  displaced: string[];
}

/** Options of `createCheckpoint`. */
export interface CheckpointOptions {
  /** What Spark is about to do; stored in the checkpoint and shown by `spark checkpoints`. */
  task: string;
  /**
   * Paths (repo-relative or absolute inside the repo) about to change. Stored as metadata and
   * force-included in the snapshot even when ignored, so an edit to an ignored file can be undone.
   */
  files: string[];
  /**
   * The bytes each of `files` will have once the change is applied (undefined: removed), keyed as
   * `files` are. Lets undo tell later edits from the change. Default: not recorded.
   */
  after?: ReadonlyMap<string, Uint8Array | undefined>;
}

/** Options of `undoCheckpoint`. */
export interface UndoOptions {
  /** Restore files even where they changed after the checkpoint's change. Default false. */
  force?: boolean;
}
