import { simpleGit, type SimpleGitOptions } from "simple-git";
import { RepoError } from "../errors.js";

/** Per-call options of a `RunGit`. */
export interface GitCallOptions {
  /** Index file for this call (`GIT_INDEX_FILE`). Default: the repository's own index. */
  index?: string;
  /** Extra environment variables for this call. */
  env?: Record<string, string>;
}

/** Runs one git command in a fixed directory and resolves with its stdout. */
export type RunGit = (args: string[], opts?: GitCallOptions) => Promise<string>;

// simple-git refuses to pass environment variables such as EDITOR, PAGER or GIT_CONFIG_GLOBAL
// (and `-c` keys such as filter.*) unless told to. Every argument here is built by this module,
// and the environment is the user's own, which plain `git` would use too; so allow them all.
const ALLOW_USER_ENVIRONMENT: SimpleGitOptions["unsafe"] = {
  allowUnsafeAlias: true,
  allowUnsafeAskPass: true,
  allowUnsafeConfigPaths: true,
  allowUnsafeConfigEnvCount: true,
  allowUnsafeCredentialHelper: true,
  allowUnsafeEditor: true,
  allowUnsafeMergeDriver: true,
  allowUnsafePager: true,
  allowUnsafeProtocolOverride: true,
  allowUnsafeSshCommand: true,
  allowUnsafeGitProxy: true,
  allowUnsafeHooksPath: true,
  allowUnsafeDiffExternal: true,
  allowUnsafeDiffTextConv: true,
  allowUnsafeFilter: true,
  allowUnsafeFsMonitor: true,
  allowUnsafeGpgProgram: true,
  allowUnsafeTemplateDir: true,
};

// `GIT_TRACE` lines: "12:09:17.123456 git.c:455   trace: built-in: git add -A".
const TRACE_LINE = /^\d\d:\d\d:\d\d\.\d+ \S+:\d+ +trace: /;

/** First meaningful line of a git error (no trace lines, hints or simple-git decorations). */
export function gitErrorLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const line = text
    .split("\n")
    .map((l) => l.trim())
    .find((l) => l.length > 0 && !l.startsWith("hint:") && !TRACE_LINE.test(l));
  return line ?? "unknown error";
}

// simple-git counts a non-zero exit as success when stderr is empty; any non-zero exit fails here.
const failOnNonZeroExit: SimpleGitOptions["errors"] = (error, result) => {
  if (error) return error;
  if (result.exitCode === 0) return undefined;
  const stderr = Buffer.concat(result.stdErr).toString("utf8");
  return Buffer.from(stderr.trim().length > 0 ? stderr : `exit code ${result.exitCode}`);
};

/**
 * A `RunGit` over simple-git in `baseDir`. Paths are always literal (`GIT_LITERAL_PATHSPECS`),
 * never prompts, and any failure becomes a one-line `RepoError` naming the git command.
 */
export function gitRunner(baseDir: string, baseEnv: NodeJS.ProcessEnv = process.env): RunGit {
  return async (args, opts = {}) => {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(baseEnv)) if (v !== undefined) env[k] = v;
    env.GIT_LITERAL_PATHSPECS = "1";
    env.GIT_TERMINAL_PROMPT = "0";
    // simple-git waits 50 ms more after a process that wrote nothing (its completion detection);
    // most plumbing here is silent, so make git always say something (on stderr, filtered out).
    env.GIT_TRACE = "1";
    if (opts.index !== undefined) env.GIT_INDEX_FILE = opts.index;
    Object.assign(env, opts.env);
    const started = performance.now();
    try {
      return await simpleGit({ baseDir, unsafe: ALLOW_USER_ENVIRONMENT, errors: failOnNonZeroExit }).env(env).raw(args);
    } catch (err) {
      const sub = args.find((a) => !a.startsWith("-") && !a.includes("=")) ?? "";
      throw new RepoError(`git ${sub} failed: ${gitErrorLine(err)}`, { cause: err });
    } finally {
      if (baseEnv.SPARK_TRACE_GIT === "1") process.stderr.write(`[git ${(performance.now() - started).toFixed(1)} ms] ${args.join(" ")}\n`);
    }
  };
}
