import { openRepo } from "./repo.js";

/**
 * The repository's files as a person would name them: tracked ones and untracked ones that are
 * not ignored (`git ls-files -co --exclude-standard`), repo-relative with forward slashes,
 * sorted, each once.
 */
export async function listFiles(root: string): Promise<string[]> {
  const repo = await openRepo(root);
  const out = await repo.run(["ls-files", "-z", "-c", "-o", "--exclude-standard"]);
  return [...new Set(out.split("\0").filter((f) => f.length > 0))].sort();
}
