import path from "node:path";
import { EditRefusedError } from "./errors.js";
import type { EditFs } from "./fs.js";

/** Where an edit's path leads. */
export interface ResolvedPath {
  /** Repo-relative, forward slashes: what people and events see. */
  rel: string;
  /** The real file the bytes go to (symlinks inside the repo resolved). */
  target: string;
}

const refuse = (p: string, why: "outside-repo" | "git-dir" | "bad-path", detail: string, model: string): EditRefusedError =>
  new EditRefusedError(p, why, `refusing to edit ${JSON.stringify(p)}: ${detail}`, model);

function insideOf(root: string, p: string): string | undefined {
  const rel = path.relative(root, p);
  if (rel === "" || rel === ".." || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) return undefined;
  return rel;
}

function hasGitSegment(rel: string): boolean {
  return rel.split(/[\\/]/).some((s) => s.toLowerCase() === ".git");
}

/**
 * Resolves an edit's path against the repo and refuses (EditRefusedError, exit 4) anything that
 * leaves it: `..`, an absolute path elsewhere, a symlink pointing out, or a path inside `.git/`.
 * `realRoot` is `fs.realpath(root)`.
 */
export async function resolveEditPath(fs: EditFs, root: string, realRoot: string, p: string): Promise<ResolvedPath> {
  const outside = (detail = "it is outside the repository"): EditRefusedError =>
    refuse(p, "outside-repo", detail, `You may only edit files inside the repository; ${p} is outside it. Use a path relative to the repository root.`);
  if (p.length === 0 || p.includes("\0")) throw refuse(p, "bad-path", "not a file path", `${JSON.stringify(p)} is not a valid file path.`);
  const abs = path.isAbsolute(p) ? path.resolve(p) : path.resolve(root, p);
  const rel = insideOf(root, abs) ?? insideOf(realRoot, abs);
  if (rel === undefined) throw outside();
  if (hasGitSegment(rel)) {
    throw refuse(p, "git-dir", "it is inside .git/", `${p} is inside .git/, which Spark never edits. Edit the working tree files instead.`);
  }
  // The deepest part of the path that exists decides where the rest really goes.
  const base = path.resolve(realRoot, rel);
  let existing = base;
  const rest: string[] = [];
  for (;;) {
    const st = await fs.lstat(existing);
    if (st) break;
    rest.unshift(path.basename(existing));
    existing = path.dirname(existing);
  }
  let real: string;
  try {
    real = await fs.realpath(existing);
  } catch {
    throw outside("it goes through a broken symlink");
  }
  const target = path.join(real, ...rest);
  const realRel = insideOf(realRoot, target);
  if (realRel === undefined) throw outside("a symlink leads outside the repository");
  if (hasGitSegment(realRel)) {
    throw refuse(p, "git-dir", "a symlink leads into .git/", `${p} leads into .git/, which Spark never edits.`);
  }
  return { rel: rel.split(path.sep).join("/"), target };
}
