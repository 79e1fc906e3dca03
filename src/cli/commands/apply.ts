import type { Command } from "commander";
import path from "node:path";
import { SparkError, TaskError, UsageError } from "../../errors.js";
import {
  applyPlan,
  detectFormat,
  EditApplyError,
  EditRefusedError,
  formats,
  isFormatName,
  parseReply,
  planEdits,
  type EditFormat,
  type EditPlan,
} from "../../edits/index.js";
import { createCheckpoint, editTempDir, findRepoRoot, withRepoLock } from "../../git/index.js";
import type { CliContext } from "../context.js";

interface ApplyOptions {
  format: string;
  dryRun?: boolean;
  json?: boolean;
  cwd?: string;
}

/** `spark apply`: apply edit text from stdin with a checkpoint first; prints the diff. */
export function registerApply(program: Command, ctx: CliContext): void {
  program
    .command("apply")
    .description("apply edit text from stdin (search/replace blocks, unified diff, or whole-file blocks)")
    .option("--format <format>", "auto|search-replace|udiff|whole", "auto")
    .option("--dry-run", "show the diff and write nothing")
    .option("--json", "JSONL events on stdout")
    .option("--cwd <dir>", "run in this directory")
    .action(async (opts: ApplyOptions) => {
      ctx.exitCode = await runApply(ctx, opts);
    });
}

function emit(ctx: CliContext, record: Record<string, unknown>): void {
  ctx.stdout.write(JSON.stringify(record) + "\n");
}

async function readAll(stream: NodeJS.ReadableStream, signal: AbortSignal): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    signal.throwIfAborted();
    chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  }
  return Buffer.concat(chunks).toString("utf8");
}

function pickFormat(name: string, text: string): EditFormat | undefined {
  if (name === "auto") return detectFormat(text);
  if (!isFormatName(name)) throw new UsageError(`unknown --format "${name}" (use auto, search-replace, udiff or whole)`);
  return formats[name];
}

/** Reports why nothing was applied as JSONL events, then lets the error reach `main` (one line, exit code). */
function reportFailure(ctx: CliContext, json: boolean, err: unknown): never {
  if (json) {
    if (err instanceof EditApplyError) for (const f of err.failures) emit(ctx, { type: "edit.failed", path: f.path, reason: f.message });
    else if (err instanceof EditRefusedError) emit(ctx, { type: "edit.failed", path: err.path, reason: err.message });
    if (err instanceof Error) emit(ctx, { type: "error", message: err.message, code: err instanceof SparkError ? err.code : "error" });
  }
  throw err;
}

async function runApply(ctx: CliContext, opts: ApplyOptions): Promise<number> {
  const json = opts.json === true;
  if (ctx.stdin.isTTY) throw new UsageError("spark apply reads edits from stdin: pipe them in (e.g. spark apply < edits.txt)");
  const text = await readAll(ctx.stdin, ctx.signal);
  let plan: EditPlan;
  let format: EditFormat;
  let root: string;
  try {
    const picked = pickFormat(opts.format, text);
    if (!picked) throw new TaskError("no edits found in the input");
    format = picked;
    const { edits } = parseReply(format, text);
    if (edits.length === 0) throw new TaskError(`no ${format.name} edits found in the input`);
    root = await findRepoRoot(path.resolve(ctx.cwd, opts.cwd ?? "."));
    plan = await planEdits(root, edits);
  } catch (err) {
    reportFailure(ctx, json, err);
  }
  if (json) for (const f of plan.files) emit(ctx, { type: "edit.proposed", path: f.path, format: format.name, diff: f.diff });
  if (plan.files.length === 0) {
    if (!json) ctx.stderr.write("nothing to change: the edits leave every file as it is\n");
    return 0;
  }
  if (opts.dryRun === true) {
    if (!json) ctx.stdout.write(plan.files.map((f) => f.diff).join(""));
    return 0;
  }
  const files = plan.files.map((f) => f.path);
  try {
    const checkpoint = await withRepoLock(root, async () => {
      const after = new Map(plan.files.map((f) => [f.path, f.afterBytes]));
      const cp = await createCheckpoint(root, { task: `spark apply: ${files.join(", ")}`.slice(0, 200), files, after });
      if (json) emit(ctx, { type: "checkpoint", id: cp.id });
      await applyPlan(root, plan, { ...ctx.applyOptions, tempDir: await editTempDir(root) });
      return cp;
    });
    if (json) {
      for (const f of plan.files) emit(ctx, { type: "edit.applied", path: f.path, added: f.added, removed: f.removed });
    } else {
      ctx.stdout.write(plan.files.map((f) => f.diff).join(""));
      const added = plan.files.reduce((n, f) => n + f.added, 0);
      const removed = plan.files.reduce((n, f) => n + f.removed, 0);
      const noun = files.length === 1 ? "file" : "files";
      ctx.stderr.write(`applied ${files.length} ${noun} (+${added} -${removed}); checkpoint ${checkpoint.id}: spark undo to revert\n`);
    }
  } catch (err) {
    reportFailure(ctx, json, err);
  }
  return 0;
}
