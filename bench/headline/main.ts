/**
 * The headline: Enter → edit applied for a one-line fix in a real file. chalk at 7f21f209da^,
 * `spark fix source/index.js "Properly check if `level` is an integer"`, the reply forced to the
 * real commit's change (SPARK_FORCED_REPLY: the model's weights are generated, its text
 * meaningless). Needs `npm run build`.
 *
 *   npm exec tsx bench/headline/main.ts [-- --mirror /work/.mirror/chalk+chalk/repo] [--runs 3]
 *     [--model PATH] [--threads 2] [--part all|cold|warm] [--json]
 *
 * cold: a fresh cache (no packer facts, no KV prefix on disk, no measured prefill speed), the
 * model loaded in-process. warm: a running `spark serve` with the same model, `spark fix
 * --endpoint` (its first fix warms it and is reported apart). Each run restores the file; the
 * applied file must equal the commit's. p50 of `--runs` runs each.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { structuredPatch } from "diff";
import { execa } from "execa";
import { ensureFixtureModel, repoRoot } from "../../fixtures/index.js";
import { median } from "../../src/median.js";
import { spawnServe } from "../../test/server/spawn-serve.js";
import { onePoolThread } from "../one-pool-thread.js";

onePoolThread(import.meta.url);

const { values } = parseArgs({
  options: {
    mirror: { type: "string", default: "/work/.mirror/chalk+chalk/repo" },
    commit: { type: "string", default: "7f21f209da984ef156195d814a8cba20e8e28d10" },
    file: { type: "string", default: "source/index.js" },
    runs: { type: "string", default: "3" },
    model: { type: "string" },
    threads: { type: "string", default: "2" },
    part: { type: "string", default: "all" },
    json: { type: "boolean", default: false },
  },
});
const runs = Number(values.runs);
const modelPath = values.model !== undefined ? path.resolve(values.model) : ensureFixtureModel("qwen05b-q8_0");
const bin = path.join(repoRoot(), "bin", "spark.js");
const log = (line: string): void => void process.stderr.write(`${line}\n`);
const git = (cwd: string, ...args: string[]): string => execFileSync("git", args, { cwd, encoding: "utf8" });

/** A search/replace reply that makes the commit's change to `file` (one block per hunk). */
function replyFor(file: string, before: string, after: string): string {
  const patch = structuredPatch(file, file, before, after, "", "", { context: 0 });
  const blocks = patch.hunks.map((h) => {
    const old = h.lines.filter((l) => l.startsWith("-")).map((l) => l.slice(1));
    const neu = h.lines.filter((l) => l.startsWith("+")).map((l) => l.slice(1));
    return `${file}\n<<<<<<< SEARCH\n${old.join("\n")}\n=======\n${neu.join("\n")}\n>>>>>>> REPLACE\n`;
  });
  return blocks.join("\n");
}

interface Run {
  ms: number;
  promptTokens: number;
  cachedTokens: number;
  decodeTps: number;
  ttftMs: number;
  identical: boolean;
}

async function fixOnce(repo: string, task: string, args: string[], env: Record<string, string>, expected: string): Promise<Run> {
  const started = performance.now();
  const r = await execa(process.execPath, [bin, "fix", "--json", ...args, values.file, task], { cwd: repo, reject: false, env: { UV_THREADPOOL_SIZE: "1", NO_COLOR: "1", ...env } });
  const ms = performance.now() - started;
  const events = r.stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, number | string>);
  if (r.exitCode !== 0 || !events.some((e) => e.type === "edit.applied")) throw new Error(`spark fix failed (${r.exitCode}): ${r.stderr.slice(-400)}${r.stdout.slice(-400)}`);
  const identical = readFileSync(path.join(repo, values.file), "utf8") === expected;
  git(repo, "checkout", "-q", "--", values.file);
  const s = events.find((e) => e.type === "stats") ?? {};
  return { ms, promptTokens: Number(s.promptTokens ?? 0), cachedTokens: Number(s.cachedTokens ?? 0), decodeTps: Number(s.decodeTps ?? 0), ttftMs: Number(s.ttftMs ?? 0), identical };
}

const show = (r: Run): string => `${Math.round(r.ms)} ms (prompt ${r.promptTokens}, cached ${r.cachedTokens}, ttft ${Math.round(r.ttftMs)} ms, decode ${r.decodeTps.toFixed(1)} tok/s, identical ${r.identical})`;

const home = mkdtempSync(path.join(os.tmpdir(), "spark-headline-"));
try {
  const repo = path.join(home, "chalk");
  git(home, "clone", "-q", "--shared", "--no-checkout", values.mirror, repo);
  git(repo, "checkout", "-q", "-f", "--detach", `${values.commit}^`);
  const before = git(repo, "show", `${values.commit}^:${values.file}`);
  const expected = git(repo, "show", `${values.commit}:${values.file}`);
  const task = git(repo, "log", "-1", "--format=%s", values.commit).trim().replace(/\s*\(#\d+\)$/, "");
  const replyFile = path.join(home, "reply.txt");
  writeFileSync(replyFile, replyFor(values.file, before, expected));
  const common = ["--model", modelPath, "--threads", values.threads];
  log(`chalk ${values.commit.slice(0, 10)}^: spark fix ${values.file} "${task}"`);

  const cold: Run[] = [];
  for (let i = 0; i < (values.part === "warm" ? 0 : runs); i++) {
    const cache = mkdtempSync(path.join(home, "cold-"));
    cold.push(await fixOnce(repo, task, common, { XDG_CACHE_HOME: cache, SPARK_FORCED_REPLY: replyFile }, expected));
    log(`  cold  ${show(cold[i] as Run)}`);
  }
  const warm: Run[] = [];
  let first: Run | undefined;
  const server = values.part === "cold" ? undefined : await spawnServe([...common, "--sequences", "1"], { SPARK_FORCED_REPLY: replyFile, UV_THREADPOOL_SIZE: "1" });
  if (server !== undefined) {
    try {
      const clientEnv = { XDG_CACHE_HOME: mkdtempSync(path.join(home, "client-")) };
      first = await fixOnce(repo, task, ["--endpoint", server.url], clientEnv, expected);
      log(`  serve, first  ${show(first)}`);
      for (let i = 0; i < runs; i++) {
        warm.push(await fixOnce(repo, task, ["--endpoint", server.url], clientEnv, expected));
        log(`  serve, warm   ${show(warm[i] as Run)}`);
      }
    } finally {
      await server.stop();
    }
  }
  const p50 = (rs: Run[], k: keyof Run): number => Math.round(median(rs.map((r) => Number(r[k]))) * 10) / 10;
  const result = {
    task,
    coldP50Ms: p50(cold, "ms"),
    warmP50Ms: p50(warm, "ms"),
    serveFirstMs: Math.round(first?.ms ?? 0),
    promptTokens: p50(cold, "promptTokens"),
    warmCachedTokens: p50(warm, "cachedTokens"),
    decodeTpsCold: p50(cold, "decodeTps"),
    decodeTpsWarm: p50(warm, "decodeTps"),
    identical: [...cold, ...(first ? [first] : []), ...warm].every((r) => r.identical),
    runs,
    loadAverage: os.loadavg().map((l) => l.toFixed(1)).join(" "),
  };
  if (values.json) console.log(JSON.stringify(result));
  else {
    console.log(`| | p50 ms | prompt tokens | cached | decode tok/s | applied file = commit |`);
    console.log(`|---|---:|---:|---:|---:|---|`);
    console.log(`| cold (empty cache, in-process) | ${result.coldP50Ms} | ${result.promptTokens} | 0 | ${result.decodeTpsCold} | ${result.identical} |`);
    console.log(`| warm (spark serve + --endpoint) | ${result.warmP50Ms} | ${p50(warm, "promptTokens")} | ${result.warmCachedTokens} | ${result.decodeTpsWarm} | ${result.identical} |`);
    console.log(`\nserve's first fix (warms it): ${result.serveFirstMs} ms; ${runs} runs each; load average ${result.loadAverage} on ${os.cpus().length} cores`);
  }
} finally {
  rmSync(home, { recursive: true, force: true });
}
