import { RepoError } from "../errors.js";

/** Absolute path of the working tree root that contains `cwd`; `RepoError` (exit 4) when none. */
export async function findRepoRoot(cwd: string): Promise<string> {
  throw new RepoError(`not a git repository: ${cwd}`);
}
