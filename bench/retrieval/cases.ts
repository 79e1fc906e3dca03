/**
 * Retrieval cases: real commits, one JSON object a line (`repo`, `commit`, `parent`, `message`,
 * `files`), as in ../shared/data/retrieval-dev.jsonl. The task is the message's first line; the
 * files the commit changed are what the packer should put in the context.
 */
import { readFileSync } from "node:fs";

/** One real commit to retrieve for. */
export interface RetrievalCase {
  /** Position in the file (0-based), the case's name in tables. */
  index: number;
  repo: string;
  commit: string;
  parent: string;
  message: string;
  files: string[];
}

/** Which cases run: `dev` every 4th (index % 4 = 0), `rest` the others, `all` every case. */
export type CaseSelection = "dev" | "rest" | "all";

/** Reads the cases of `file` chosen by `selection` (and at most `limit`, when given). */
export function loadCases(file: string, selection: CaseSelection, limit?: number): RetrievalCase[] {
  const rows = readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim().length > 0)
    .map((l, index) => ({ index, ...(JSON.parse(l) as Omit<RetrievalCase, "index">) }));
  const chosen = rows.filter((r) => (selection === "all" ? true : selection === "dev" ? r.index % 4 === 0 : r.index % 4 !== 0));
  return limit === undefined ? chosen : chosen.slice(0, limit);
}

/** The task: the message's first line, as written. */
export function taskOf(c: RetrievalCase): string {
  return (c.message.split("\n")[0] ?? "").trim();
}
