/** A scratch clone of a bare mirror, moved from commit to commit. */
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";

/** A working tree of `mirror` at `dir` (cloned with `--shared` once, never inside the project). */
export async function scratchClone(mirror: string, dir: string): Promise<string> {
  if (!existsSync(path.join(dir, ".git"))) {
    mkdirSync(path.dirname(dir), { recursive: true });
    await execa("git", ["clone", "-q", "--shared", "--no-checkout", mirror, dir]);
  }
  return dir;
}

/**
 * Checks out `rev` (forced; untracked files from an earlier checkout removed). Blobs missing from
 * a partial mirror (a few large binaries) only show as deleted, so git's complaints are ignored.
 */
export async function checkoutAt(dir: string, rev: string): Promise<void> {
  await execa("git", ["-C", dir, "checkout", "-q", "-f", "--detach", rev], { reject: false });
  await execa("git", ["-C", dir, "clean", "-q", "-fdx"], { reject: false });
  const head = await execa("git", ["-C", dir, "rev-parse", "HEAD"]);
  if (head.stdout.trim() !== rev && !head.stdout.trim().startsWith(rev)) throw new Error(`checkout of ${rev} in ${dir} failed`);
}
