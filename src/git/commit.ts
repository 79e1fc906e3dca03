import { lstat } from "node:fs/promises";
import path from "node:path";
import { RepoError } from "../errors.js";
import { withRepoLock } from "./lock.js";
import { openRepo, repoRelative } from "./repo.js";
import { pathspecFile, splitNul } from "./scratch.js";

/**
 * The opt-in `--commit` mode: commits exactly `files` (their working tree state, additions and
 * deletions included) on the current branch, leaving whatever else the user staged staged and
 * uncommitted. Skips commit hooks, as Aider does. Returns the new commit id, or null when those
 * files have nothing to commit. Unlike everything else here it does update HEAD and the index.
 */
export async function commitApplied(root: string, files: string[], message: string): Promise<string | null> {
  const repo = await openRepo(root);
  const rel = [...new Set(files.map((f) => repoRelative(repo, root, f)))];
  return withRepoLock(repo.root, async () => {
    const tracked = new Set(rel.length > 0 ? splitNul(await repo.run(["ls-files", "-z", "--", ...rel])) : []);
    const paths: string[] = [];
    for (const p of rel) {
      const exists = await lstat(path.join(repo.root, p)).then(
        () => true,
        () => false,
      );
      if (exists || tracked.has(p)) paths.push(p);
    }
    if (paths.length === 0) return null;
    const spec = await pathspecFile(repo, "commit-paths", paths);
    await repo.run(["add", "-A", ...spec]);
    const staged = await repo.run(["diff", "--cached", "--name-only", "-z", "--", ...paths]);
    if (splitNul(staged).length === 0) return null;
    try {
      await repo.run(["commit", "--no-verify", "-q", "-m", message, "--only", ...spec]);
    } catch (err) {
      const line = err instanceof Error ? err.message : String(err);
      if (/identity unknown|tell me who you are|auto-detect email|empty ident/i.test(line)) {
        throw new RepoError("git commit needs an identity: set git config user.name and user.email", { cause: err });
      }
      throw err;
    }
    return (await repo.run(["rev-parse", "HEAD"])).trim();
  });
}
