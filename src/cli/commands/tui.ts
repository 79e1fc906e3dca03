import type { Command } from "commander";
import path from "node:path";
import { Writable } from "node:stream";
import { UsageError } from "../../errors.js";
import type { ApprovalMode } from "../../agent/approval-mode.js";
import { findRepoRoot, initRepo, listCheckpoints, listFiles, undoCheckpoint } from "../../git/index.js";
import { cacheDir, historyDir } from "../../paths.js";
import type { OpenBackend } from "../../tui/controller.js";
import type { runTui as RunTui } from "../../tui/run-tui.js";
import { createBackend } from "../backend-factory.js";
import { addModelOptions, modeOption } from "../common-options.js";
import type { CliContext, CommonOptions } from "../context.js";

/** Options of the interactive session. */
interface TuiCommandOptions extends CommonOptions {
  continue?: boolean;
  /** `--resume` alone: pick from a list; `--resume ID`: that conversation. */
  resume?: true | string;
  mode?: ApprovalMode;
}

/**
 * `spark [TASK]`: the interactive Ink session in the current git repository. The program's own
 * options are positional (before a subcommand name), so `spark run --model X` keeps its --model.
 */
export function registerTui(program: Command, ctx: CliContext): void {
  program.enablePositionalOptions();
  addModelOptions(program)
    .option("--yes", "apply edits and run commands without asking (--mode full)")
    .addOption(modeOption("what happens without asking: suggest asks before every edit and command, auto-edit applies edits and asks before commands, full asks nothing; default suggest (Shift-Tab cycles)"))
    .option("--test <cmd>", "run CMD after each applied change; feed failures back to the model")
    .option("--continue", "resume this repository's last conversation")
    .option("--resume [id]", "list this repository's conversations to continue one (or continue ID)")
    .argument("[task]", "first message of the interactive session")
    .action(async (task: string | undefined, opts: TuiCommandOptions) => {
      if (opts.json === true) throw new UsageError("the interactive session has no --json; use spark run --json");
      if (ctx.stdin.isTTY !== true || ctx.stdout.isTTY !== true) {
        throw new UsageError("the interactive session needs a terminal; use spark run TASK (or: echo TASK | spark run)");
      }
      if (opts.yes === true && opts.mode !== undefined && opts.mode !== "full") throw new UsageError(`--yes means --mode full; drop one of --yes and --mode ${opts.mode}`);
      if (opts.continue === true && opts.resume !== undefined) throw new UsageError("--continue takes the last conversation and --resume a chosen one: pass one of them");
      const cwd = path.resolve(ctx.cwd, opts.cwd ?? ".");
      const { runTui } = await loadTui();
      const result = await runTui({
        // Checked above: both are terminals.
        stdin: ctx.stdin as NodeJS.ReadStream,
        stdout: ctx.stdout as NodeJS.WriteStream,
        stderr: ctx.stderr as NodeJS.WriteStream,
        env: ctx.env,
        cwd,
        openBackend: tuiBackendOpener(ctx, opts, cwd),
        ...(opts.model !== undefined ? { model: opts.model } : {}),
        git: { findRepoRoot, initRepo, listCheckpoints, listFiles, undoCheckpoint },
        agent: { cacheDir: cacheDir(ctx.env), continueLast: opts.continue === true },
        ...(opts.test !== undefined ? { testCommand: opts.test } : {}),
        mode: opts.yes === true ? "full" : (opts.mode ?? "suggest"),
        ...(opts.resume !== undefined ? { resume: opts.resume } : {}),
        historyDir: historyDir(ctx.env),
        ...(task !== undefined ? { task } : {}),
        signal: ctx.signal,
      });
      if (result.error) throw result.error;
      ctx.exitCode = result.exitCode;
    });
}

/**
 * Loads the TUI with React's production build: the development build costs several times more
 * per frame, on the thread that drives decoding. NODE_ENV is restored at once, so commands the
 * session runs (--test) see the person's own.
 */
async function loadTui(): Promise<{ runTui: typeof RunTui }> {
  // Ink reads CI/CONTINUOUS_INTEGRATION once, at import, and then draws only the final frame.
  // The TUI runs only on a terminal, where a person wants live frames whatever CI says. They are
  // removed rather than set to "0": chalk's supports-color turns every color and the inverse
  // cursor off when CI is set at all.
  const saved = { NODE_ENV: process.env.NODE_ENV, CI: process.env.CI, CONTINUOUS_INTEGRATION: process.env.CONTINUOUS_INTEGRATION };
  process.env.NODE_ENV = "production";
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
  try {
    return await import("../../tui/run-tui.js");
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

/** Opens the backend through the shared factory, with progress reported to the TUI (Ink owns the screen). */
function tuiBackendOpener(ctx: CliContext, opts: TuiCommandOptions, cwd: string): OpenBackend {
  return (model, onProgress, signal) =>
    createBackend({ ...opts, ...(model !== undefined ? { model } : {}), cwd, env: ctx.env, signal, stderr: silentStream(), onProgress });
}

function silentStream(): Writable & { isTTY: boolean } {
  return Object.assign(new Writable({ write: (_chunk, _enc, cb) => cb() }), { isTTY: false });
}
