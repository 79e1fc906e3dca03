import type { Writable } from "node:stream";

/** What every command gets from the CLI: streams, environment, and where it runs. */
export interface CliContext {
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable & { isTTY?: boolean; columns?: number };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** Process working directory (before `--cwd`). */
  cwd: string;
  /** Aborted on SIGINT/SIGTERM; passed down to everything that can be cancelled. */
  signal: AbortSignal;
  /** Set by a command's action; `main` returns it. Default 0. */
  exitCode: number;
}

/** Options common to the model-using commands (docs/commands.md "Common options"). */
export interface CommonOptions {
  model?: string;
  endpoint?: string;
  context?: number;
  threads?: number;
  yes?: boolean;
  test?: string;
  cwd?: string;
  json?: boolean;
}
