/**
 * What was packed, for people and scripts: `spark context` and the TUI's `/context` show the
 * same rows (files in prompt order with their role, tokens, rank and score).
 */
import type { PackedContext, PackedRole } from "./pack.js";

/** One row of the report. */
export interface ContextReportFile {
  path: string;
  role: PackedRole;
  tokens: number;
  /** 1-based position in the ranking; 0 for the instructions. */
  rank: number;
  score: number;
}

/** The report (`spark context --json`'s last line). */
export interface ContextReport {
  files: ContextReportFile[];
  tokens: number;
  budget: number;
  /** Whether `tokens` came from the model's tokenizer (false: estimated). */
  exact: boolean;
  /** Files shown only by name in the tree listing, and what the listing costs. */
  tree: { files: number; tokens: number };
}

/** The report of `packed`. */
export function contextReport(packed: PackedContext): ContextReport {
  return {
    files: packed.files.map((f) => ({ path: f.path, role: f.role, tokens: f.tokens, rank: f.rank + 1, score: Math.round(f.score * 100) / 100 })),
    tokens: packed.tokens,
    budget: packed.budget,
    exact: packed.exact,
    tree: { files: packed.listed.length, tokens: packed.treeTokens },
  };
}

/** The report as a table, one line per file in prompt order, then totals. */
export function formatContextReport(report: ContextReport, opts: { maxRows?: number } = {}): string[] {
  const rows = report.files.map((f) => [f.rank === 0 ? "-" : String(f.rank), f.role, String(f.tokens), f.score.toFixed(2), f.path]);
  const max = opts.maxRows ?? rows.length;
  const shown = rows.length > max ? rows.slice(0, max) : rows;
  const header = ["RANK", "ROLE", "TOKENS", "SCORE", "PATH"];
  const widths = header.map((h, i) => Math.max(h.length, ...shown.map((r) => (r[i] ?? "").length)));
  const right = new Set([0, 2, 3]);
  const line = (r: string[]): string => r.map((c, i) => (i === r.length - 1 ? c : right.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join("  ");
  const out = [line(header), ...shown.map(line)];
  if (rows.length > shown.length) out.push(`… ${rows.length - shown.length} more`);
  const count = (role: PackedRole): number => report.files.filter((f) => f.role === role).length;
  const parts = [`${count("full") + count("target")} in full`, `${count("map")} outlined`, `${report.tree.files} listed (${report.tree.tokens} tokens)`];
  out.push(`${parts.join(", ")}; ${report.tokens} of ${report.budget} tokens${report.exact ? "" : " (estimated)"}`);
  return out;
}
