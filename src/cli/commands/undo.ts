import type { Command } from "commander";
import path from "node:path";
import { findRepoRoot, undoCheckpoint, type UndoResult } from "../../git/index.js";
import type { CliContext } from "../context.js";
import { checkpointRecord, errorRecord, formatAge, oneLine, writeJson } from "./checkpoints.js";

interface UndoOptions {
  cwd?: string;
  json?: boolean;
  force?: boolean;
}

/**
 * `spark undo [ID] [--force]`: undo the change of checkpoint ID (default: the newest), restoring
 * only the files it touched; files edited since stop it unless --force. A safety checkpoint is
 * taken first, so running `spark undo` again returns to where you were.
 */
export function registerUndo(program: Command, ctx: CliContext): void {
  program
    .command("undo")
    .description("undo the last (or given) checkpoint's change: restore the files it touched")
    .argument("[checkpoint]", "checkpoint id from spark checkpoints (default: the newest)")
    .option("--force", "restore them even where they were edited after the change")
    .option("--cwd <dir>", "run in this directory")
    .option("--json", "JSONL output")
    .action(async (id: string | undefined, opts: UndoOptions) => {
      try {
        const root = await findRepoRoot(path.resolve(ctx.cwd, opts.cwd ?? "."));
        const result = await undoCheckpoint(root, id, { force: opts.force === true });
        if (opts.json === true) writeResultJson(ctx, result);
        else writeResultText(ctx, result);
      } catch (err) {
        if (opts.json === true && err instanceof Error) writeJson(ctx, errorRecord(err));
        throw err;
      }
    });
}

function writeResultJson(ctx: CliContext, r: UndoResult): void {
  writeJson(ctx, { type: "checkpoint", id: r.safety.id });
  writeJson(ctx, {
    type: "undo",
    restored: checkpointRecord(r.restored),
    safety: checkpointRecord(r.safety),
    changed: r.changed,
    displaced: r.displaced,
  });
}

function writeResultText(ctx: CliContext, r: UndoResult): void {
  const age = formatAge(Date.now() - r.restored.time.getTime());
  const task = oneLine(r.restored.task, 60);
  const count = r.changed.length === 1 ? "1 file" : `${r.changed.length} files`;
  ctx.stdout.write(`Restored checkpoint ${r.restored.id} (${age}${task ? `: ${task}` : ""}); ${count} changed.\n`);
  for (const p of r.changed) ctx.stdout.write(`  ${p}\n`);
  for (const p of r.displaced) ctx.stdout.write(`  moved aside (it was in the way): ${p} -> .git/spark/displaced/${r.safety.id}/${p}\n`);
  ctx.stdout.write(`To go back: spark undo ${r.safety.id}\n`);
}
