import { RepoError } from "../errors.js";

/** `--commit` mode: commits exactly `files` on the current branch; returns the commit id (stub). */
export async function commitApplied(_root: string, _files: string[], _message: string): Promise<string> {
  throw new RepoError("commit mode is not implemented yet");
}
