/** Process exit codes from the product contract (docs/exit-codes.md). */
export const ExitCode = {
  ok: 0,
  taskFailed: 1,
  usage: 2,
  model: 3,
  repo: 4,
  interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Base of every error Spark reports: one line for the person, an exit code for the shell. */
export class SparkError extends Error {
  readonly exitCode: ExitCodeValue;
  /** Stable machine-readable code for JSONL `error` events. */
  readonly code: string;
  constructor(message: string, exitCode: ExitCodeValue, code: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.code = code;
  }
}

/** Bad flags or arguments (exit 2). */
export class UsageError extends SparkError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.usage, "usage", options);
  }
}

/** Missing/corrupt model, not enough memory, unreachable endpoint (exit 3). */
export class ModelError extends SparkError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.model, "model", options);
  }
}

/** Edit outside the repo, git failure, not a repository (exit 4). */
export class RepoError extends SparkError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.repo, "repo", options);
  }
}

/** The task could not be completed: no applicable edit, tests still failing (exit 1). */
export class TaskError extends SparkError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.taskFailed, "task", options);
  }
}

/** The user interrupted (exit 130). */
export class InterruptedError extends SparkError {
  constructor(message = "interrupted", options?: { cause?: unknown }) {
    super(message, ExitCode.interrupted, "interrupted", options);
  }
}

/**
 * An AbortError (what fetch and node-llama-cpp throw) carrying the reason `signal` gave, else
 * `fallback` ("aborted" unless said). Below the agent, cancelling is an AbortError; the agent and
 * the CLI turn it into `InterruptedError` (exit 130).
 */
export function abortError(signal: AbortSignal | undefined, fallback = "aborted"): Error {
  const reason: unknown = signal?.reason;
  const err = new Error(reason instanceof Error ? reason.message : fallback);
  err.name = "AbortError";
  return err;
}

/** Throws `InterruptedError` (exit 130; "WHAT interrupted" when `what` is given) if `signal` has fired. */
export function throwIfAborted(signal: AbortSignal | undefined, what?: string): void {
  if (signal?.aborted) throw new InterruptedError(what === undefined ? undefined : `${what} interrupted`, { cause: signal.reason });
}

/** True when `err` is an AbortError raised by an AbortSignal. */
export function isAbortError(err: unknown): boolean {
  return err instanceof Error && (err.name === "AbortError" || err instanceof InterruptedError);
}

/** One line for stderr; the stack only with SPARK_DEBUG=1. */
export function formatError(err: unknown, env: NodeJS.ProcessEnv = process.env): string {
  const debug = env.SPARK_DEBUG === "1";
  if (err instanceof Error) {
    if (debug) return err.stack ?? err.message;
    return escapeControls(err.message.split("\n")[0] ?? err.message);
  }
  return escapeControls(String(err));
}

// C0 and C1 controls (but tab) and DEL: a message quoting file bytes must not drive the terminal.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;

function escapeControls(text: string): string {
  return text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

/**
 * `name` (read from a file, say) as a one-line message quotes it: in double quotes, cut to `max`
 * characters with "…" (default 40); `<N bytes, not text>` when it holds control characters or
 * bytes that are not UTF-8, as a corrupt file's names do (`bytes`: its size before decoding;
 * default its UTF-8 size).
 */
export function quoteName(name: string, opts: { max?: number; bytes?: number } = {}): string {
  const max = opts.max ?? 40;
  CONTROL.lastIndex = 0;
  if (CONTROL.test(name) || name.includes("\ufffd")) return `<${opts.bytes ?? Buffer.byteLength(name)} bytes, not text>`;
  return `"${name.length > max ? `${name.slice(0, max - 1)}…` : name}"`;
}

/** Exit code for any thrown value. */
export function exitCodeOf(err: unknown): ExitCodeValue {
  if (err instanceof SparkError) return err.exitCode;
  if (isAbortError(err)) return ExitCode.interrupted;
  return ExitCode.taskFailed;
}
