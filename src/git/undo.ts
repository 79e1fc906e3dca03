import { RepoError } from "../errors.js";
import type { UndoResult } from "./types.js";

/** Restores the working tree to checkpoint `id` (default: the newest) after a safety checkpoint (stub). */
export async function undoCheckpoint(_root: string, _id?: string): Promise<UndoResult> {
  throw new RepoError("undo is not implemented yet");
}
