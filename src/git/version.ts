import os from "node:os";
import { gitRunner } from "./git-run.js";

/** The installed git's version ("2.39.5"), or undefined when git is missing. */
export async function gitVersion(): Promise<string | undefined> {
  try {
    const out = await gitRunner(os.tmpdir())(["--version"]);
    return /(\d+\.\d+(?:\.\d+)?)/.exec(out)?.[1];
  } catch {
    return undefined;
  }
}

/** Oldest git the checkpoint code works with (`--pathspec-from-file` for `git rm`: 2.26). */
export const MIN_GIT_VERSION = "2.26";
