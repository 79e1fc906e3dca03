/** `--test CMD`: runs the user's check through the shell in the repo root. */
import { runShell, type ShellRun } from "./shell.js";

/** Outcome of one test run. */
export type TestRun = ShellRun;

/** Runs a test command; the default runs `command` through the shell. */
export type RunTest = (command: string, cwd: string, signal?: AbortSignal) => Promise<TestRun>;

/** Runs `command` in `cwd` through the shell; never throws for a failing command. */
export const runTestCommand: RunTest = (command, cwd, signal) => runShell(command, { cwd, ...(signal !== undefined ? { signal } : {}) });
