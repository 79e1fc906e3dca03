/**
 * Checkpoint cost: generated repos of 10,000 and 100 committed files, 3 files changed before
 * each checkpoint. Run: `node --import tsx bench/checkpoint/main.ts [--runs N] [--json]`.
 * Prints the first checkpoint (seeds Spark's scratch index from the user's), the median and
 * worst wall time of the following ones, the median's CPU time (Spark plus its git processes,
 * which other work on a shared machine does not inflate), and an undo; target < 300 ms (wall)
 * for the 10k case.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createCheckpoint, undoCheckpoint } from "../../src/git/index.js";

interface Result {
  files: number;
  firstMs: number;
  medianMs: number;
  maxMs: number;
  /** CPU time (this process plus the git processes it ran) of the median run: robust to load. */
  medianCpuMs: number;
  undoMs: number;
}

const env = {
  ...process.env,
  GIT_AUTHOR_NAME: "bench",
  GIT_AUTHOR_EMAIL: "bench@example.com",
  GIT_COMMITTER_NAME: "bench",
  GIT_COMMITTER_EMAIL: "bench@example.com",
};

function git(dir: string, ...args: string[]): void {
  execFileSync("git", args, { cwd: dir, env, stdio: "ignore" });
}

/** `count` small source-like files, 100 per folder, committed. */
function generateRepo(count: number): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `spark-bench-${count}-`));
  git(dir, "init", "-q", "-b", "main");
  for (let i = 0; i < count; i++) {
    const sub = path.join(dir, `pkg${Math.floor(i / 100)}`);
    if (i % 100 === 0) mkdirSync(sub, { recursive: true });
    writeFileSync(path.join(sub, `file${i}.ts`), `export const value${i} = ${i};\n`.repeat(20));
  }
  git(dir, "add", "-A");
  git(dir, "commit", "-qm", "generated");
  return dir;
}

/** Changes two committed files and creates one, as an apply would. */
function touch3(dir: string, count: number, round: number): string[] {
  const last = count - 1;
  const files = ["pkg0/file1.ts", `pkg${Math.floor(last / 100)}/file${last}.ts`, `new-${round}.ts`];
  for (const f of files) writeFileSync(path.join(dir, f), `// round ${round}\n`);
  return files;
}

/** CPU ms used so far by this process and its finished children (Linux /proc; else own only). */
function cpuMs(): number {
  const own = process.cpuUsage();
  let children = 0;
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    children = (Number(fields[13]) + Number(fields[14])) * 10; // cutime + cstime, 100 Hz ticks
  } catch {
    // not Linux: own CPU only
  }
  return (own.user + own.system) / 1000 + children;
}

interface Timing {
  ms: number;
  cpu: number;
}

async function time<T>(fn: () => Promise<T>): Promise<Timing> {
  const c0 = cpuMs();
  const t0 = performance.now();
  await fn();
  return { ms: performance.now() - t0, cpu: cpuMs() - c0 };
}

async function benchRepo(count: number, runs: number): Promise<Result> {
  const dir = generateRepo(count);
  try {
    const first = touch3(dir, count, 0);
    const firstMs = (await time(() => createCheckpoint(dir, { task: "first", files: first }))).ms;
    const times: Timing[] = [];
    for (let r = 1; r <= runs; r++) {
      const files = touch3(dir, count, r);
      times.push(await time(() => createCheckpoint(dir, { task: `round ${r}`, files })));
    }
    touch3(dir, count, runs + 1);
    const undoMs = (await time(() => undoCheckpoint(dir))).ms;
    times.sort((a, b) => a.ms - b.ms);
    const median = times[Math.floor(times.length / 2)];
    return {
      files: count,
      firstMs,
      medianMs: median?.ms ?? NaN,
      maxMs: times[times.length - 1]?.ms ?? NaN,
      medianCpuMs: median?.cpu ?? NaN,
      undoMs,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const runsAt = args.indexOf("--runs");
  const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 7;
  const results = [await benchRepo(100, runs), await benchRepo(10_000, runs)];
  if (args.includes("--json")) {
    for (const r of results) process.stdout.write(`${JSON.stringify(r)}\n`);
    return;
  }
  const ms = (n: number): string => `${n.toFixed(0)} ms`.padStart(8);
  const load = os.loadavg()[0]?.toFixed(1) ?? "?";
  process.stdout.write(`checkpoint with 3 changed files (${runs} runs, ${os.cpus().length} cores, load ${load})\n`);
  const head = ["files", "first", "median", "worst", "cpu", "undo"];
  process.stdout.write(`${head.map((h, i) => h.padStart(i === 0 ? 6 : 8)).join("  ")}\n`);
  for (const r of results) {
    const cells = [ms(r.firstMs), ms(r.medianMs), ms(r.maxMs), ms(r.medianCpuMs), ms(r.undoMs)];
    process.stdout.write(`${String(r.files).padStart(6)}  ${cells.join("  ")}\n`);
  }
  const big = results[1];
  if (big) process.stdout.write(`10k target < 300 ms: ${big.medianMs < 300 ? "met" : "MISSED"}\n`);
}

await main();
