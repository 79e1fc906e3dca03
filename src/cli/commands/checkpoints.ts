import { InvalidArgumentError, type Command } from "commander";
import path from "node:path";
import type { SparkError } from "../../errors.js";
import { findRepoRoot, listCheckpoints, pruneCheckpoints, type CheckpointInfo } from "../../git/index.js";
import type { CliContext } from "../context.js";

interface CheckpointsOptions {
  /** `true` for a bare `--prune` (keep 100), else the number to keep. */
  prune?: true | number;
  cwd?: string;
  json?: boolean;
}

/** Default number of checkpoints `--prune` keeps. */
export const DEFAULT_KEEP = 100;

function keepCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`expected a whole number >= 0, got "${value}"`);
  return n;
}

/** `spark checkpoints [--prune [N]]`: list checkpoints newest first (id, age, task, files), or prune them. */
export function registerCheckpoints(program: Command, ctx: CliContext): void {
  program
    .command("checkpoints")
    .description("list checkpoints, newest first (id, age, task, files)")
    .option("--prune [n]", `delete all but the newest N checkpoints (default ${DEFAULT_KEEP})`, keepCount)
    .option("--cwd <dir>", "run in this directory")
    .option("--json", "JSONL output")
    .action(async (opts: CheckpointsOptions) => {
      try {
        const root = await findRepoRoot(path.resolve(ctx.cwd, opts.cwd ?? "."));
        if (opts.prune !== undefined) await prune(ctx, root, opts.prune === true ? DEFAULT_KEEP : opts.prune, opts.json === true);
        else await list(ctx, root, opts.json === true);
      } catch (err) {
        if (opts.json === true && err instanceof Error) writeJson(ctx, errorRecord(err));
        throw err;
      }
    });
}

async function list(ctx: CliContext, root: string, json: boolean): Promise<void> {
  const all = await listCheckpoints(root);
  const now = Date.now();
  if (json) {
    for (const c of all) writeJson(ctx, { type: "checkpoint.info", ...checkpointRecord(c), ageSeconds: Math.max(0, Math.round((now - c.time.getTime()) / 1000)) });
    return;
  }
  if (all.length === 0) {
    ctx.stdout.write("no checkpoints yet\n");
    return;
  }
  const rows = all.map((c) => [c.id, formatAge(now - c.time.getTime()), oneLine(c.task, 48), filesSummary(c.files)]);
  const header = ["ID", "AGE", "TASK", "FILES"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  for (const r of [header, ...rows]) {
    ctx.stdout.write(`${r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join("  ")}\n`);
  }
}

async function prune(ctx: CliContext, root: string, keep: number, json: boolean): Promise<void> {
  const removed = await pruneCheckpoints(root, keep);
  if (json) {
    writeJson(ctx, { type: "checkpoints.pruned", removed, kept: keep });
    return;
  }
  const what = removed.length === 1 ? "1 checkpoint" : `${removed.length} checkpoints`;
  ctx.stdout.write(`pruned ${what} (keeping the newest ${keep})\n`);
}

/** The JSON form of a checkpoint (shared with `spark undo --json`). */
export function checkpointRecord(c: CheckpointInfo): Record<string, unknown> {
  return { id: c.id, ref: c.ref, time: c.time.toISOString(), task: c.task, files: c.files };
}

/** `{type: "error"}` record for `--json` output. */
export function errorRecord(err: Error): Record<string, unknown> {
  return { type: "error", message: err.message.split("\n")[0] ?? err.message, code: (err as Partial<SparkError>).code ?? "error" };
}

/** Writes one JSON line to stdout. */
export function writeJson(ctx: CliContext, record: Record<string, unknown>): void {
  ctx.stdout.write(`${JSON.stringify(record)}\n`);
}

/** "just now", "42s ago", "5m ago", "3h ago", "2d ago". */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 5) return "just now";
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86_400)}d ago`;
}

/** First line of `text`, cut to `max` characters. */
export function oneLine(text: string, max: number): string {
  const line = (text.split("\n")[0] ?? "").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** Up to three paths, then "+N more". */
export function filesSummary(files: string[]): string {
  if (files.length === 0) return "-";
  const shown = files.slice(0, 3).join(", ");
  return files.length > 3 ? `${shown} +${files.length - 3} more` : shown;
}
