import { RepoError } from "../errors.js";
import type { CheckpointInfo, CheckpointOptions } from "./types.js";

/** Snapshots the whole working tree into `refs/spark/checkpoints/<n>` (stub). */
export async function createCheckpoint(_root: string, _opts: CheckpointOptions): Promise<CheckpointInfo> {
  throw new RepoError("checkpoints are not implemented yet");
}

/** Every checkpoint, newest first (stub). */
export async function listCheckpoints(_root: string): Promise<CheckpointInfo[]> {
  throw new RepoError("checkpoints are not implemented yet");
}

/** Deletes all but the newest `keep` checkpoints (default 100); returns the removed ids (stub). */
export async function pruneCheckpoints(_root: string, _keep = 100): Promise<string[]> {
  throw new RepoError("checkpoints are not implemented yet");
}
