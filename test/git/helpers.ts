import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

// Hermetic git for every test in the importing file: no user/system config, fixed identity.
const configHome = mkdtempSync(path.join(os.tmpdir(), "spark-gitcfg-"));
writeFileSync(path.join(configHome, "gitconfig"), "");
process.env.GIT_CONFIG_GLOBAL = path.join(configHome, "gitconfig");
process.env.GIT_CONFIG_NOSYSTEM = "1";
process.env.XDG_CACHE_HOME = path.join(configHome, "cache");

const identity = {
  GIT_AUTHOR_NAME: "Test",
  GIT_AUTHOR_EMAIL: "test@example.com",
  GIT_COMMITTER_NAME: "Test",
  GIT_COMMITTER_EMAIL: "test@example.com",
};

/** Runs real git in `dir` and returns stdout as a string (throws on failure). */
export function git(dir: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd: dir, env: { ...process.env, ...identity }, encoding: "utf8", maxBuffer: 1 << 28, stdio: "pipe" });
}

/** Runs real git in `dir` and returns stdout as bytes. */
export function gitBytes(dir: string, ...args: string[]): Buffer {
  return execFileSync("git", args, { cwd: dir, env: { ...process.env, ...identity }, maxBuffer: 1 << 28, stdio: "pipe" });
}

/** A fresh repository (branch main) in a temp dir; `cleanup` removes it. */
export function makeRepo(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), "spark-git-"));
  git(dir, "init", "-q", "-b", "main");
  git(dir, "config", "core.quotepath", "off");
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes `content` at repo-relative `rel`, creating folders. */
export function write(dir: string, rel: string, content: string | Buffer): void {
  const file = path.join(dir, rel);
  execFileSync("mkdir", ["-p", path.dirname(file)]);
  writeFileSync(file, content);
}

/** Every file under `dir` except `.git`: type, exec bit, and exact bytes or link target. */
export function files(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string): void => {
    for (const name of readdirSync(path.join(dir, rel))) {
      const r = rel ? `${rel}/${name}` : name;
      if (r === ".git") continue;
      const full = path.join(dir, r);
      const st = lstatSync(full);
      if (st.isSymbolicLink()) out[r] = `link -> ${readlinkSync(full)}`;
      else if (st.isDirectory()) walk(r);
      else out[r] = `${st.mode & 0o111 ? "exec" : "file"} ${readFileSync(full).toString("base64")}`;
    }
  };
  walk("");
  return out;
}

/** What the user sees of git: status, staged diff, HEAD, branches, stash, and the index bytes. */
export function gitState(dir: string): Record<string, string> {
  const indexFile = path.join(dir, ".git", "index");
  let indexHash = "none";
  try {
    indexHash = createHash("sha1").update(readFileSync(indexFile)).digest("hex");
  } catch {
    // no index yet (fresh repository)
  }
  const head = (() => {
    try {
      return git(dir, "rev-parse", "HEAD");
    } catch {
      return "unborn";
    }
  })();
  return {
    index: indexHash,
    head,
    symbolicHead: git(dir, "symbolic-ref", "-q", "HEAD"),
    branches: git(dir, "for-each-ref", "--format=%(refname) %(objectname)", "refs/heads", "refs/tags"),
    stash: git(dir, "stash", "list"),
    cached: gitBytes(dir, "diff", "--cached", "--binary").toString("base64"),
    // --no-optional-locks: status must not refresh (rewrite) the index it is being compared on.
    status: git(dir, "--no-optional-locks", "status", "--porcelain=v1", "-z", "--untracked-files=all"),
  };
}
