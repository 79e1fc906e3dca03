import type { Writable } from "node:stream";
import type { ApplyOptions } from "../edits/index.js";

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
  /** Passed to `spark apply`'s applier: the crash test's seam (test/e2e/paused-apply.ts). The CLI never sets it. */
  applyOptions?: Pick<ApplyOptions, "onFileReplaced">;
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
