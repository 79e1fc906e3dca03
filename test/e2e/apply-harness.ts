/** Shared setup of the `spark apply` e2e tests (test/e2e/apply*.test.ts): a hermetic HOME/git config and temp repositories. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** `bin/spark.js` (runs `dist/`, so `npm run build` first). */
export const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "bin", "spark.js");

/** A fresh HOME with its own git identity and cache folder. */
export function makeHome(prefix: string): { home: string; env: Record<string, string> } {
  const home = mkdtempSync(path.join(os.tmpdir(), prefix));
  writeFileSync(path.join(home, "gitconfig"), "[user]\n\tname = Test\n\temail = test@example.com\n");
  const env = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    XDG_CACHE_HOME: path.join(home, "cache"),
    GIT_CONFIG_GLOBAL: path.join(home, "gitconfig"),
    GIT_CONFIG_NOSYSTEM: "1",
    NO_COLOR: "1",
  };
  return { home, env };
}

/** A git repo under `home` with `files` committed. */
export function makeRepo(home: string, env: Record<string, string>, files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(home, "repo-"));
  const git = (...args: string[]): string => execFileSync("git", args, { cwd: dir, env, encoding: "utf8" });
  git("init", "-q", "-b", "main");
  for (const [p, c] of Object.entries(files)) writeFileSync(path.join(dir, p), c);
  git("add", "-A");
  git("commit", "-qm", "init");
  return dir;
}

/** JSONL text to objects. */
export const jsonLines = (s: string): Record<string, unknown>[] =>
  s
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
