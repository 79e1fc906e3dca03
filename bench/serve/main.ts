/**
 * `spark serve` benchmark (needs `npm run build`):
 *  1. `spark fix` wall time: in-process cold start (fresh cache), in-process with the repo prefix
 *     restored from disk, and through a warm `spark serve` (`--endpoint`);
 *  2. decode tok/s through the server (measured by the client) vs the same engine in-process.
 *
 *   npm exec tsx bench/serve/main.ts [-- --model PATH] [--threads N] [--context N] [--runs N]
 *     [--tokens N] [--files N] [--part all|fix|decode] [--json]
 *
 * Default model: the generated Qwen2.5-Coder-0.5B-shape Q8_0 fixture (random weights, so the
 * `spark fix` reply is forced with SPARK_FORCED_REPLY; decode runs with ignore_eos).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { execa } from "execa";
import { OpenAI } from "openai";
import { ensureFixtureModel } from "../../fixtures/index.js";
import { LocalEngine } from "../../src/inference/runtime.js";
import { median } from "../../src/median.js";
import { spawnServe } from "../../test/server/spawn-serve.js";
import { onePoolThread } from "../one-pool-thread.js";

onePoolThread(import.meta.url);

const { values } = parseArgs({
  options: {
    model: { type: "string" },
    threads: { type: "string", default: "1" },
    context: { type: "string", default: "4096" },
    runs: { type: "string", default: "2" },
    files: { type: "string", default: "4" },
    part: { type: "string", default: "all" },
    tokens: { type: "string", default: "128" },
    json: { type: "boolean", default: false },
  },
});
const runs = Number(values.runs);
const tokens = Number(values.tokens);
const modelPath = values.model !== undefined ? path.resolve(values.model) : ensureFixtureModel("qwen05b-q8_0");
const common = ["--model", modelPath, "--threads", values.threads, "--context", values.context];
const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "bin", "spark.js");
const log = (line: string): void => void process.stderr.write(`${line}\n`);
const round = (n: number): number => Math.round(n);

/** A small repo: one target file and a few neighbours the packer includes. */
function makeRepo(home: string): { repo: string; reply: string } {
  const repo = path.join(home, "repo");
  mkdirSync(path.join(repo, "src"), { recursive: true });
  for (let i = 0; i < Number(values.files); i++) {
    const body = Array.from({ length: 12 }, (_, j) => `export function f${i}_${j}(a: number): number {\n  return a * ${j} + ${i};\n}\n`).join("\n");
    writeFileSync(path.join(repo, "src", `m${i}.ts`), body);
  }
  writeFileSync(path.join(repo, "src", "main.ts"), "export const limit = 10;\nexport const name = \"spark\";\n");
  const git = (...args: string[]): void => void execFileSync("git", args, { cwd: repo, stdio: "ignore" });
  git("init", "-q");
  git("add", ".");
  git("-c", "user.name=b", "-c", "user.email=b@example.com", "commit", "-qm", "init");
  const reply = path.join(home, "reply.txt");
  writeFileSync(reply, 'Updating src/main.ts.\n\nsrc/main.ts\n```\nexport const limit = 20;\nexport const name = "spark";\n```\n');
  return { repo, reply };
}

interface FixRun {
  ms: number;
  promptTokens: number;
  cachedTokens: number;
}

async function fixOnce(repo: string, args: string[], env: Record<string, string>): Promise<FixRun> {
  const started = performance.now();
  const r = await execa(process.execPath, [bin, "fix", "--json", ...args, "src/main.ts", "raise the limit to 20"], {
    cwd: repo,
    reject: false,
    env: { UV_THREADPOOL_SIZE: "1", NO_COLOR: "1", ...env },
  });
  const ms = performance.now() - started;
  const events = r.stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as { type: string; promptTokens?: number; cachedTokens?: number });
  if (r.exitCode !== 0 || !events.some((e) => e.type === "edit.applied")) throw new Error(`spark fix failed (${r.exitCode}): ${r.stderr}${r.stdout.slice(-500)}`);
  execFileSync("git", ["checkout", "-q", "--", "src/main.ts"], { cwd: repo });
  const stats = events.find((e) => e.type === "stats");
  return { ms, promptTokens: stats?.promptTokens ?? 0, cachedTokens: stats?.cachedTokens ?? 0 };
}

const describeRun = (r: FixRun): string => `${round(r.ms)} ms (prompt ${r.promptTokens}, cached ${r.cachedTokens})`;
const ms = (runs: FixRun[]): number => round(median(runs.map((r) => r.ms)));

async function main(): Promise<void> {
  const home = mkdtempSync(path.join(os.tmpdir(), "spark-bench-serve-"));
  try {
    await measure(home);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

interface FixResult {
  promptTokens: number;
  fixColdMs: number;
  fixRestoredMs: number;
  serverStartMs: number;
  fixServerFirstMs: number;
  fixServerWarmMs: number;
}

/** 1. `spark fix` wall time: in-process cold, in-process with a disk prefix, through a warm server. */
async function benchFix(home: string): Promise<FixResult> {
  const { repo, reply } = makeRepo(home);
  const cold: FixRun[] = [];
  let lastCache = "";
  for (let i = 0; i < runs; i++) {
    lastCache = mkdtempSync(path.join(home, "cold-"));
    cold.push(await fixOnce(repo, common, { XDG_CACHE_HOME: lastCache, SPARK_FORCED_REPLY: reply }));
    log(`  in-process cold       ${describeRun(cold[i] as FixRun)}`);
  }
  const restored: FixRun[] = [];
  for (let i = 0; i < runs; i++) {
    restored.push(await fixOnce(repo, common, { XDG_CACHE_HOME: lastCache, SPARK_FORCED_REPLY: reply }));
    log(`  in-process restored   ${describeRun(restored[i] as FixRun)}`);
  }
  // The server gets its own fresh cache: no prefix on disk, so its first fix pays the prefill.
  const loadStarted = performance.now();
  const server = await spawnServe([...common, "--sequences", "1"], { SPARK_FORCED_REPLY: reply, UV_THREADPOOL_SIZE: "1" });
  const serverStartMs = performance.now() - loadStarted;
  log(`  server ready in ${round(serverStartMs)} ms`);
  try {
    const clientEnv = { XDG_CACHE_HOME: mkdtempSync(path.join(home, "client-")) };
    const first = await fixOnce(repo, ["--endpoint", server.url], clientEnv);
    log(`  server, first fix     ${describeRun(first)}`);
    const warm: FixRun[] = [];
    for (let i = 0; i < runs; i++) {
      warm.push(await fixOnce(repo, ["--endpoint", server.url], clientEnv));
      log(`  server, warm          ${describeRun(warm[i] as FixRun)}`);
    }
    return { promptTokens: first.promptTokens, fixColdMs: ms(cold), fixRestoredMs: ms(restored), serverStartMs: round(serverStartMs), fixServerFirstMs: round(first.ms), fixServerWarmMs: ms(warm) };
  } finally {
    await server.stop();
  }
}

interface DecodeResult {
  decodeServerTps: number;
  decodeInProcessTps: number;
  decodeRatio: number;
}

/**
 * 2. Plain decode (no forced reply, ignore_eos) through a server, timed by the client, against
 * the same engine in this process. Both stay loaded and take turns, so a change in background
 * load hits both alike.
 */
async function benchDecode(home: string): Promise<DecodeResult> {
  const prompt = "export function parse(input: string): number[] {\n  const out: number[] = [];\n";
  const server = await spawnServe([...common, "--sequences", "1"], { UV_THREADPOOL_SIZE: "1" });
  const engine = await LocalEngine.open({ modelPath, threads: Number(values.threads), contextSize: Number(values.context), env: { ...process.env, XDG_CACHE_HOME: mkdtempSync(path.join(home, "engine-")) } });
  const client = new OpenAI({ baseURL: server.url, apiKey: "none", maxRetries: 0 });
  const promptTokens = engine.tokenize(prompt, true);
  const served: number[] = [];
  const local: number[] = [];
  try {
    // Run 0 of each warms the prefix and is not counted.
    for (let i = 0; i <= runs; i++) {
      let first = 0;
      let n = 0;
      const stream = await client.completions.create({ model: "m", prompt, max_tokens: tokens, stream: true, stream_options: { include_usage: true }, ignore_eos: true } as OpenAI.CompletionCreateParamsStreaming);
      for await (const chunk of stream) {
        if ((chunk.choices[0]?.text ?? "") !== "" && first === 0) first = performance.now();
        if (chunk.usage) n = chunk.usage.completion_tokens;
      }
      const serverTps = ((n - 1) / (performance.now() - first)) * 1000;
      first = 0;
      for await (const ev of engine.generate({ prompt: promptTokens, maxTokens: tokens, ignoreEog: true })) {
        if (ev.type === "text" && first === 0) first = performance.now();
        if (ev.type === "stats") n = ev.stats.outputTokens;
      }
      const localTps = ((n - 1) / (performance.now() - first)) * 1000;
      if (i === 0) continue;
      served.push(serverTps);
      local.push(localTps);
      log(`  decode: server ${serverTps.toFixed(1)} tok/s, in-process ${localTps.toFixed(1)} tok/s`);
    }
  } finally {
    await engine.dispose();
    await server.stop();
  }
  const s = median(served);
  const l = median(local);
  return { decodeServerTps: Math.round(s * 10) / 10, decodeInProcessTps: Math.round(l * 10) / 10, decodeRatio: Math.round((s / l) * 1000) / 1000 };
}

async function measure(home: string): Promise<void> {
  log(`model ${modelPath}; threads ${values.threads}; context ${values.context}; ${runs} runs`);
  const fix = values.part === "decode" ? undefined : await benchFix(home);
  const decode = values.part === "fix" ? undefined : await benchDecode(home);
  const result = { model: path.basename(modelPath), threads: Number(values.threads), context: Number(values.context), ...fix, ...decode };
  if (values.json) return void process.stdout.write(`${JSON.stringify(result)}\n`);
  const lines: string[] = [];
  if (fix) {
    lines.push(
      `spark fix   in-process cold ${fix.fixColdMs} ms · prefix from disk ${fix.fixRestoredMs} ms · warm server ${fix.fixServerWarmMs} ms (first through the server ${fix.fixServerFirstMs} ms; server start ${fix.serverStartMs} ms; prompt ${fix.promptTokens} tokens)`,
    );
  }
  if (decode) lines.push(`decode      server ${decode.decodeServerTps} tok/s (client-timed) vs in-process ${decode.decodeInProcessTps} tok/s: ${decode.decodeRatio}×`);
  process.stdout.write(`${lines.join("\n")}\n`);
}

await main();
