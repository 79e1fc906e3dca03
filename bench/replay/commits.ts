import { readFileSync } from "node:fs";

/** One real single-file commit: a line of the data set (JSONL, one commit per line). */
export interface Commit {
  repo: string;
  commit: string;
  path: string;
  message: string;
  before: string;
  after: string;
}

/**
 * Where the data set is: `--data FILE`, else `SPARK_BENCH_DATA`. It lives outside the repository
 * and is read in place, never copied in; undefined when neither names it.
 */
export function commitsFile(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return flag ?? (env.SPARK_BENCH_DATA !== undefined && env.SPARK_BENCH_DATA !== "" ? env.SPARK_BENCH_DATA : undefined);
}

/** Reads the JSONL data set. */
export function readCommits(file: string): Commit[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim().length > 0)
    .map((l) => JSON.parse(l) as Commit);
}

/**
 * `limit` commits spread evenly over file sizes up to `maxBytes` (so every size group is present),
 * in a fixed order: the same data and flags give the same selection.
 */
export function selectCommits(all: readonly Commit[], limit: number, maxBytes: number): Commit[] {
  const eligible = all.filter((c) => c.before.length <= maxBytes && c.before !== c.after).sort((a, b) => a.before.length - b.before.length || a.commit.localeCompare(b.commit));
  if (eligible.length <= limit) return eligible;
  const step = eligible.length / limit;
  return Array.from({ length: limit }, (_, i) => eligible[Math.floor(i * step + step / 2)] as Commit);
}

/** Size group label for a file of `bytes`. */
export function sizeGroup(bytes: number): string {
  const edges: [number, string][] = [
    [1000, "<1 KB"],
    [2000, "1–2 KB"],
    [4000, "2–4 KB"],
    [8000, "4–8 KB"],
    [16000, "8–16 KB"],
  ];
  return edges.find(([limit]) => bytes < limit)?.[1] ?? "≥16 KB";
}
