/**
 * The real `spark` TUI in a real terminal for e2e tests: a temp HOME (git identity, cache and
 * state folders), temp git repositories, forced replies (SPARK_FORCED_REPLY) and tmux sessions
 * that are killed when the file's tests end. Needs `npm run build`.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll } from "vitest";
import { ensureFixtureModel } from "../../fixtures/index.js";
import { TmuxSession } from "../tui/tmux.js";

export const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "bin", "spark.js");

/** The successor fixture; its byte vocabulary makes the ~2k-token system prompt need more than 2048. */
export const MODEL_ARGS = ["--model", ensureFixtureModel("successor"), "--context", "4096", "--threads", "1"];

/** One test file's world. */
export interface TuiWorld {
  home: string;
  env(extra?: Record<string, string>): Record<string, string>;
  /** A temp git repository with `files` committed. */
  repo(files: Record<string, string>): string;
  git(repo: string, ...args: string[]): string;
  /** Writes replies to files; returns the SPARK_FORCED_REPLY value (the n-th turn gets the n-th; the last repeats). */
  replies(...texts: string[]): string;
  /** Starts `spark ARGS` in `cwd` at 110×34. */
  start(cwd: string, args: string[], env?: Record<string, string>): TmuxSession;
}

/** Sets up a world for the calling test file (removed after its tests). */
export function tuiWorld(): TuiWorld {
  let home = "";
  const sessions: TmuxSession[] = [];
  beforeAll(() => {
    home = mkdtempSync(path.join(os.tmpdir(), "spark-e2e-tui-"));
    writeFileSync(path.join(home, "gitconfig"), "[user]\n\tname = Test\n\temail = test@example.com\n");
  });
  afterAll(() => {
    for (const s of sessions) s.kill();
    rmSync(home, { recursive: true, force: true });
  });
  const env = (extra: Record<string, string> = {}): Record<string, string> => ({
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    TERM: "xterm",
    XDG_CACHE_HOME: path.join(home, "cache"),
    XDG_STATE_HOME: path.join(home, "state"),
    GIT_CONFIG_GLOBAL: path.join(home, "gitconfig"),
    GIT_CONFIG_NOSYSTEM: "1",
    LANG: "C.UTF-8",
    ...extra,
  });
  const git = (repo: string, ...args: string[]): string => execFileSync("git", args, { cwd: repo, env: env(), encoding: "utf8" });
  let replyCount = 0;
  return {
    get home() {
      return home;
    },
    env,
    git,
    repo(files) {
      const dir = mkdtempSync(path.join(home, "repo-"));
      git(dir, "init", "-q", "-b", "main");
      for (const [file, content] of Object.entries(files)) {
        mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        writeFileSync(path.join(dir, file), content);
      }
      git(dir, "add", "-A");
      git(dir, "commit", "-qm", "init");
      return dir;
    },
    replies(...texts) {
      return texts
        .map((text) => {
          const file = path.join(home, `reply-${replyCount++}.txt`);
          writeFileSync(file, text);
          return file;
        })
        .join(path.delimiter);
    },
    start(cwd, args, extra = {}) {
      const t = TmuxSession.start({ dir: mkdtempSync(path.join(home, "tmux-")), cwd, argv: ["node", BIN, ...MODEL_ARGS, ...args], env: env(extra), columns: 110, rows: 34 });
      sessions.push(t);
      return t;
    },
  };
}
