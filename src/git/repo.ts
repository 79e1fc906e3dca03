import { stat } from "node:fs/promises";
import path from "node:path";
import { RepoError } from "../errors.js";
import { gitErrorLine, gitRunner, type RunGit } from "./git-run.js";

/** Where one repository keeps things, and a git runner rooted at its working tree. */
export interface Repo {
  /** Absolute working tree root (as git reports it). */
  root: string;
  /** This worktree's git dir (`.git`, or `.git/worktrees/<name>`). */
  gitDir: string;
  /** The shared git dir (where refs live); equals `gitDir` outside linked worktrees. */
  commonDir: string;
  /** Spark's per-worktree scratch folder: `<gitDir>/spark` (temp indexes, path lists). */
  sparkDir: string;
  /** Spark's shared folder: `<commonDir>/spark` (lock, id counter). */
  sharedDir: string;
  /** git, run in `root`. */
  run: RunGit;
}

/** Absolute path of the working tree root that contains `cwd`; `RepoError` (exit 4) when none. */
export async function findRepoRoot(cwd: string): Promise<string> {
  return (await openRepo(cwd)).root;
}

/** `git init` in `dir` (what the TUI offers outside a repository); returns the new root. */
export async function initRepo(dir: string): Promise<string> {
  const abs = path.resolve(dir);
  const st = await stat(abs).catch(() => null);
  if (!st?.isDirectory()) throw new RepoError(`no such directory: ${abs}`);
  await gitRunner(abs)(["init", "-q"]);
  opened.delete(abs);
  return findRepoRoot(abs);
}

const opened = new Map<string, Promise<Repo>>();

/** The `Repo` whose working tree contains `dir` (cached per process; failures are not cached). */
export function openRepo(dir: string): Promise<Repo> {
  const key = path.resolve(dir);
  let repo = opened.get(key);
  if (!repo) {
    repo = resolveRepo(key);
    opened.set(key, repo);
    repo.catch(() => opened.delete(key));
  }
  return repo;
}

async function resolveRepo(dir: string): Promise<Repo> {
  const st = await stat(dir).catch(() => null);
  if (!st?.isDirectory()) throw new RepoError(`no such directory: ${dir}`);
  let out: string;
  try {
    out = await gitRunner(dir)(["rev-parse", "--show-toplevel", "--absolute-git-dir", "--git-common-dir"]);
  } catch (err) {
    if (/ENOENT/.test(gitErrorLine(err))) throw new RepoError("git is not installed (or not on PATH)", { cause: err });
    throw new RepoError(`not a git repository: ${dir} (run git init, or pass --cwd)`, { cause: err });
  }
  const [root = "", gitDir = "", common = ""] = out.split("\n");
  if (root.length === 0) throw new RepoError(`not inside a git working tree: ${dir}`);
  const commonDir = path.resolve(dir, common);
  return {
    root,
    gitDir,
    commonDir,
    sparkDir: path.join(gitDir, "spark"),
    sharedDir: path.join(commonDir, "spark"),
    run: gitRunner(root),
  };
}

/**
 * Repo-relative, forward-slash form of `file` (absolute, or relative to the repo root);
 * `RepoError` when it points outside the repository.
 */
export function repoRelative(repo: Repo, given: string, file: string): string {
  for (const base of [repo.root, path.resolve(given)]) {
    const rel = path.relative(base, path.resolve(base, file));
    const first = rel.split(path.sep)[0];
    if (rel === "" || first === ".." || path.isAbsolute(rel)) continue;
    if (first === ".git") throw new RepoError(`path inside .git: ${file}`);
    return rel.split(path.sep).join("/");
  }
  throw new RepoError(`path outside the repository: ${file}`);
}
