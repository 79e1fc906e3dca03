/**
 * Whole-command harness for `spark fix` / `spark run` e2e tests: a temp repo, a temp cache folder,
 * forced replies (SPARK_FORCED_REPLY) and `node bin/spark.js` with the successor fixture model.
 * Needs `npm run build` first (the tests do not rebuild).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { execa, type ResultPromise } from "execa";
import { ensureFixtureModel } from "../../fixtures/index.js";

export const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "bin", "spark.js");

/** Writes replies to temp files; returns the SPARK_FORCED_REPLY value. */
export function forcedReplies(...replies: string[]): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "spark-replies-"));
  return replies
    .map((text, i) => {
      const file = path.join(dir, `reply-${i}.txt`);
      writeFileSync(file, text);
      return file;
    })
    .join(path.delimiter);
}

/**
 * One temp cache folder per test file, shared by its commands as one user's would be: the saved
 * KV prefix of the (identical) system prompt is restored instead of prefilled again.
 */
const sharedCache = mkdtempSync(path.join(os.tmpdir(), "spark-xdg-"));

/** The environment of one spawned command: a temp cache folder, no user settings. */
export function sparkEnv(replies: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: mkdtempSync(path.join(os.tmpdir(), "spark-home-")),
    XDG_CACHE_HOME: sharedCache,
    SPARK_FORCED_REPLY: replies,
    NO_COLOR: "1",
    ...extra,
  };
}

/** Common flags: the successor fixture and one thread (skips the thread-tuning measurement). */
export function modelFlags(): string[] {
  return ["--model", ensureFixtureModel("successor"), "--threads", "1"];
}

/** Spawns `spark ARGS` in `cwd`. */
export function spawnSpark(args: string[], cwd: string, env: NodeJS.ProcessEnv, input?: string): ResultPromise<{ reject: false; extendEnv: false }> {
  return execa("node", [BIN, ...args], { cwd, env, extendEnv: false, reject: false, ...(input !== undefined ? { input } : { stdin: "ignore" as const }) }) as ResultPromise<{
    reject: false;
    extendEnv: false;
  }>;
}

/** Parses JSONL, failing on any line that is not a JSON object with a `type`. */
export function parseJsonl(stdout: string): { type: string; [k: string]: unknown }[] {
  return stdout
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => {
      const v = JSON.parse(l) as { type?: unknown };
      if (typeof v !== "object" || v === null || typeof v.type !== "string") throw new Error(`not an event: ${l}`);
      return v as { type: string };
    });
}
