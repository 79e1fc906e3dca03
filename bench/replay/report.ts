import { median } from "../../src/median.js";
import { sizeGroup } from "./commits.js";

/** One measured (commit, format, speculation) run. */
export interface ReplayRow {
  commit: string;
  path: string;
  fileBytes: number;
  /** The file's tokens (the unit of the agent's format threshold). */
  fileTokens: number;
  format: string;
  speculation: string;
  outputTokens: number;
  steps: number;
  draftProposed: number;
  draftAccepted: number;
  /** Effective output tok/s over the whole edit. */
  tps: number;
  prefillMs: number;
  timeToEditMs: number;
  speedup: number;
  identical: boolean;
}


const r1 = (n: number): string => (Math.round(n * 10) / 10).toFixed(1);

/** The terminal table: medians per variant, overall and per file-size group. */
export function renderTable(rows: readonly ReplayRow[]): string {
  const variants = [...new Set(rows.map((r) => `${r.format}/${r.speculation}`))];
  const groups = ["all", ...new Set(rows.map((r) => sizeGroup(r.fileBytes)))];
  const lines = [
    `${"variant".padEnd(22)} ${"group".padEnd(8)} ${"n".padStart(3)} ${"out tok".padStart(8)} ${"steps".padStart(6)} ${"accept%".padStart(8)} ${"tok/s".padStart(8)} ${"edit s".padStart(8)} ${"speedup".padStart(8)}  identical`,
  ];
  for (const v of variants) {
    for (const g of groups) {
      const rs = rows.filter((r) => `${r.format}/${r.speculation}` === v && (g === "all" || sizeGroup(r.fileBytes) === g));
      if (rs.length === 0) continue;
      const acc = rs.reduce((a, r) => a + r.draftAccepted, 0) / Math.max(1, rs.reduce((a, r) => a + r.outputTokens, 0));
      lines.push(
        `${v.padEnd(22)} ${g.padEnd(8)} ${String(rs.length).padStart(3)} ${String(median(rs.map((r) => r.outputTokens))).padStart(8)} ${String(median(rs.map((r) => r.steps))).padStart(6)} ${(acc * 100).toFixed(0).padStart(7)}% ${r1(median(rs.map((r) => r.tps))).padStart(8)} ${r1(median(rs.map((r) => r.timeToEditMs)) / 1000).padStart(8)} ${r1(median(rs.map((r) => r.speedup))).padStart(7)}×  ${rs.every((r) => r.identical)}`,
      );
    }
  }
  return lines.join("\n");
}

/**
 * The whole-file size limit that makes these edits finish soonest (both formats with lookup
 * speculation): files of at most `tokens` tokens rewritten whole, larger ones as search/replace,
 * minimizing the summed time to finished edit. Undefined when no commit has both formats.
 */
export function formatCrossover(rows: readonly ReplayRow[]): { bytes: number; tokens: number } | undefined {
  const byCommit = new Map<string, { bytes: number; tokens: number; whole?: number; sr?: number }>();
  for (const r of rows) {
    if (r.speculation !== "lookup") continue;
    const key = `${r.commit}:${r.path}`;
    const e = byCommit.get(key) ?? { bytes: r.fileBytes, tokens: r.fileTokens };
    if (r.format === "whole") e.whole = r.timeToEditMs;
    if (r.format === "search-replace") e.sr = r.timeToEditMs;
    byCommit.set(key, e);
  }
  const pts = [...byCommit.values()].filter((e): e is { bytes: number; tokens: number; whole: number; sr: number } => e.whole !== undefined && e.sr !== undefined);
  if (pts.length === 0) return undefined;
  const total = (limit: number): number => pts.reduce((a, p) => a + (p.tokens <= limit ? p.whole : p.sr), 0);
  let best = { bytes: 0, tokens: 0, ms: total(0) };
  for (const p of [...pts].sort((a, b) => a.tokens - b.tokens)) {
    const ms = total(p.tokens);
    if (ms < best.ms) best = { bytes: p.bytes, tokens: p.tokens, ms };
  }
  return { bytes: best.bytes, tokens: best.tokens };
}
