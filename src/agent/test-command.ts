/** `--test CMD`: runs the user's check through the shell in the repo root. */
import { execa } from "execa";
import { throwIfAborted } from "./abort.js";

/** Outcome of one test run. */
export interface TestRun {
  exitCode: number;
  /** stdout and stderr interleaved as written. */
  output: string;
}

/** Runs a test command; the default runs `command` through the shell with execa. */
export type RunTest = (command: string, cwd: string, signal?: AbortSignal) => Promise<TestRun>;

/** Runs `command` in `cwd` through the shell; never throws for a failing command. */
export const runTestCommand: RunTest = async (command, cwd, signal) => {
  const result = await execa(command, { shell: true, cwd, all: true, reject: false, cancelSignal: signal, stdin: "ignore", encoding: "utf8" });
  throwIfAborted(signal);
  const exitCode = typeof result.exitCode === "number" ? result.exitCode : 1;
  return { exitCode, output: String(result.all ?? "") };
};
