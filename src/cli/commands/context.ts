import type { Command } from "commander";
import path from "node:path";
import { formatContextReport, previewContext } from "../../agent/context-preview.js";
import { defaultOutputReserve } from "../../agent/output-reserve.js";
import { findRepoRoot } from "../../git/index.js";
import { cacheDir } from "../../paths.js";
import { positiveInt } from "../common-options.js";
import type { CliContext } from "../context.js";

interface ContextOptions {
  budget?: number;
  context?: number;
  cwd?: string;
  json?: boolean;
}

/** Context size `spark context` assumes without `--context` (the default in docs/commands.md). */
const DEFAULT_CONTEXT = 131072;
/** Tokens of the system prompt and the task's framing, generously. */
const PROMPT_OVERHEAD = 1200;

/**
 * `spark context [TASK] [--budget N] [--json]`: what the context engine would pack for TASK
 * here, in prompt order. No model is loaded: tokens are estimated (see src/context/tokens.ts).
 */
export function registerContext(program: Command, ctx: CliContext): void {
  program
    .command("context")
    .argument("[task]", "the task to rank files for (default: none; recency and the listing alone)")
    .description("show what would be packed into the prompt for TASK: files in full, outlined, listed (no model loaded)")
    .option("--budget <n>", "tokens for the repository context (default: what --context leaves after the reply and prompt)", positiveInt)
    .option("--context <n>", `context size the budget follows (default ${DEFAULT_CONTEXT})`, positiveInt)
    .option("--cwd <dir>", "run in this directory")
    .option("--json", "print the report as one JSON object (the last line)")
    .action(async (task: string | undefined, opts: ContextOptions) => {
      const root = await findRepoRoot(path.resolve(ctx.cwd, opts.cwd ?? "."));
      const size = opts.context ?? DEFAULT_CONTEXT;
      const budget = opts.budget ?? size - defaultOutputReserve(size) - PROMPT_OVERHEAD;
      const started = performance.now();
      const report = await previewContext({ root, task: task ?? "", budget, cacheDir: cacheDir(ctx.env), signal: ctx.signal });
      if (opts.json === true) {
        ctx.stdout.write(`${JSON.stringify({ ...report, ms: Math.round(performance.now() - started) })}\n`);
        return;
      }
      for (const line of formatContextReport(report)) ctx.stdout.write(`${line}\n`);
    });
}
