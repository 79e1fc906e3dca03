/**
 * Packer benchmark: packs a generated 10,000-file repository for a 128k context, cold (empty
 * token cache) and warm (cache filled, nothing changed; then one file changed).
 *
 *   npm exec tsx bench/pack/main.ts [-- --files N] [--model PATH | --bytes] [--runs N] [--json]
 *
 * The tokenizer is a real model's (default: the generated Qwen2.5-Coder-shape fixture, whose
 * vocabulary tokenizes code at a realistic rate), loaded with a small context since only its
 * tokenizer is used. `--bytes` counts one token per byte instead (no model).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { ensureFixtureModel } from "../../fixtures/index.js";
import { packContext, type CountTokens } from "../../src/context/index.js";
import { defaultOutputReserve } from "../../src/agent/session.js";
import { median } from "../../src/median.js";
import { generateRepo } from "./generate-repo.js";

const { values } = parseArgs({
  options: {
    files: { type: "string", default: "10000" },
    model: { type: "string" },
    bytes: { type: "boolean", default: false },
    runs: { type: "string", default: "5" },
    json: { type: "boolean", default: false },
  },
});

const files = Number(values.files);
const runs = Number(values.runs);
const CONTEXT = 131072;
const budget = CONTEXT - defaultOutputReserve(CONTEXT) - 1000;

async function tokenizer(): Promise<{ count: CountTokens; name: string; close: () => Promise<void> }> {
  if (values.bytes) return { count: async (t) => Buffer.byteLength(t), name: "bytes", close: async () => {} };
  const { openLocalBackend } = await import("../../src/inference/index.js");
  const modelPath = values.model ?? ensureFixtureModel("qwen05b-q8_0");
  const backend = await openLocalBackend({ modelPath, contextSize: 2048 });
  return { count: (t) => backend.countTokens(t), name: path.basename(modelPath), close: () => backend.close() };
}

const work = path.join(os.tmpdir(), "spark-bench-pack");
const root = generateRepo(work, files);
const cacheDir = mkdtempSync(path.join(os.tmpdir(), "spark-bench-pack-cache-"));
const tok = await tokenizer();
const pack = async (): Promise<{ ms: number; cpuMs: number; tokens: number; included: number; listed: number }> => {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const p = await packContext({ root, task: "make alpha7 handle empty input", targets: ["src/m7/f7.ts"], budget, countTokens: tok.count, tokenizer: tok.name, cacheDir });
  const c = process.cpuUsage(c0);
  // CPU time of this process (git's own work is in ms only): less sensitive to a busy machine.
  return { ms: performance.now() - t0, cpuMs: (c.user + c.system) / 1000, tokens: p.tokens, included: p.files.length, listed: p.listed.length };
};

try {
  const cold = await pack();
  const warm: number[] = [];
  const warmCpu: number[] = [];
  let last = cold;
  for (let i = 0; i < runs; i++) {
    last = await pack();
    warm.push(last.ms);
    warmCpu.push(last.cpuMs);
  }
  const target = path.join(root, "src/m7/f7.ts");
  const original = readFileSync(target, "utf8");
  const changed: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      writeFileSync(target, `${original}// edit ${i}\n`);
      changed.push((await pack()).ms);
    }
  } finally {
    writeFileSync(target, original);
  }
  const result = {
    files,
    tokenizer: tok.name,
    budget,
    packedTokens: last.tokens,
    included: last.included,
    listed: last.listed,
    coldMs: Math.round(cold.ms),
    warmMedianMs: Math.round(median(warm)),
    warmMedianCpuMs: Math.round(median(warmCpu)),
    loadAverage: os.loadavg()[0]?.toFixed(1),
    warmOneChangedMedianMs: Math.round(median(changed)),
  };
  if (values.json) console.log(JSON.stringify(result));
  else {
    console.log(`repo: ${files} files (${root}); tokenizer: ${tok.name}; budget ${budget} tokens`);
    console.log(`packed: ${last.included} files in full, ${last.listed} listed, ${last.tokens} tokens`);
    console.log(`cold (empty cache): ${result.coldMs} ms`);
    console.log(`warm, nothing changed: median ${result.warmMedianMs} ms of ${runs} (${result.warmMedianCpuMs} ms CPU in this process)`);
    console.log(`warm, the target changed: median ${result.warmOneChangedMedianMs} ms of ${runs}`);
    console.log(`load average while measuring: ${result.loadAverage} on ${os.cpus().length} cores`);
  }
} finally {
  await tok.close();
  rmSync(cacheDir, { recursive: true, force: true });
}

