/**
 * Runs a command line through the shell in the repository: `--test CMD` after each change, and
 * the person's own `!CMD` in the TUI. Output (stdout and stderr interleaved) can be streamed as
 * it comes. The command gets its own process group, so cancelling stops everything it started
 * (`npm test` runs its tests in children), not only the shell.
 */
import { execa } from "execa";
import { throwIfAborted } from "./abort.js";

/** Outcome of one command. */
export interface ShellRun {
  /** The command's exit code; 128 + the signal's number when a signal ended it (as shells say). */
  exitCode: number;
  /** stdout and stderr interleaved as written. */
  output: string;
}

/** Options of `runShell`. */
export interface ShellOptions {
  cwd: string;
  /** Stops the command (its whole process group). Default none. */
  signal?: AbortSignal;
  /** Hears output as it comes. Default none. */
  onOutput?: (text: string) => void;
}

/** Time a cancelled command gets to exit after SIGTERM before SIGKILL. */
const KILL_GRACE_MS = 2000;

const SIGNAL_NUMBERS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

/** Runs `command` through the shell; never throws for a failing command (only when cancelled). */
export async function runShell(command: string, opts: ShellOptions): Promise<ShellRun> {
  throwIfAborted(opts.signal);
  const child = execa(command, { shell: true, cwd: opts.cwd, all: true, reject: false, detached: true, stdin: "ignore", encoding: "utf8" });
  const onOutput = opts.onOutput;
  if (onOutput) child.all?.on("data", (chunk: Buffer | string) => onOutput(chunk.toString()));
  let killTimer: ReturnType<typeof setTimeout> | undefined;
  const stop = (): void => {
    killGroup(child.pid, "SIGTERM");
    killTimer = setTimeout(() => killGroup(child.pid, "SIGKILL"), KILL_GRACE_MS);
  };
  opts.signal?.addEventListener("abort", stop, { once: true });
  try {
    const result = await child;
    throwIfAborted(opts.signal);
    const exitCode = typeof result.exitCode === "number" ? result.exitCode : 128 + (SIGNAL_NUMBERS[result.signal ?? ""] ?? 1);
    return { exitCode, output: String(result.all ?? "") };
  } finally {
    opts.signal?.removeEventListener("abort", stop);
    clearTimeout(killTimer);
  }
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}
