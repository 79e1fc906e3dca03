/** Recall tables for the retrieval bench. */
import type { RetrievalCase } from "./cases.js";

/** Where a changed file ended up in one pack. */
export type Placement = "full" | "map" | "listed" | "absent";

/** One case packed at one budget. */
export interface CaseResult {
  case: RetrievalCase;
  task: string;
  budget: number;
  placements: Record<string, Placement>;
  /** Rank of each changed file in the packer's order (undefined: not ranked). */
  ranks: Record<string, number | undefined>;
  tokens: number;
}

/** Recall over `results` of one budget: changed files in full text, and in full text or the repo map. */
export interface Recall {
  budget: number;
  files: number;
  full: number;
  fullOrMap: number;
  /** Cases whose changed files were all in full text. */
  casesAllFull: number;
  cases: number;
}

export function recallOf(budget: number, results: readonly CaseResult[]): Recall {
  let files = 0;
  let full = 0;
  let fullOrMap = 0;
  let casesAllFull = 0;
  for (const r of results) {
    const ps = Object.values(r.placements);
    files += ps.length;
    full += ps.filter((p) => p === "full").length;
    fullOrMap += ps.filter((p) => p === "full" || p === "map").length;
    if (ps.every((p) => p === "full")) casesAllFull++;
  }
  return { budget, files, full: full / Math.max(1, files), fullOrMap: fullOrMap / Math.max(1, files), casesAllFull, cases: results.length };
}

/** The recall table as Markdown. */
export function recallTable(recalls: readonly Recall[]): string {
  const rows = recalls.map(
    (r) => `| ${r.budget} | ${r.files} | ${r.full.toFixed(2)} | ${r.fullOrMap.toFixed(2)} | ${r.casesAllFull}/${r.cases} |`,
  );
  return ["| budget | changed files | recall, full text | recall, full text or map | cases all in full |", "|---:|---:|---:|---:|---:|", ...rows].join("\n");
}

/** Every changed file not in full text at `budget`, with where it went and its rank. */
export function missTable(results: readonly CaseResult[]): string {
  const rows: string[] = [];
  for (const r of results) {
    for (const [file, p] of Object.entries(r.placements)) {
      if (p === "full") continue;
      const rank = r.ranks[file];
      rows.push(`| ${r.case.index} | ${r.budget} | ${r.task.replace(/\|/g, "\\|").slice(0, 70)} | ${file} | ${p} | ${rank === undefined ? "-" : rank + 1} |`);
    }
  }
  return ["| case | budget | task | changed file | placed | rank |", "|---:|---:|---|---|---|---:|", ...rows].join("\n");
}
