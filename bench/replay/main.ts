/**
 * Teacher-forced replay of real commits (`npm run bench:replay -- [--limit N] [--json]`).
 *
 * For each commit: the prompt Spark would send (lean system prompt + the file + the commit message)
 * is prefilled once on a real-shape bench model; then, per edit format and speculation variant, the
 * target answer is decoded with every step's token forced to the target. Which drafts are accepted
 * does not depend on the model under teacher forcing, so the full step schedule is computed exactly
 * (schedule.ts, checked against the engine's own counts); the engine runs the first `--steps`
 * verification steps of each variant for real, which prices a step as α + β·(batch tokens)
 * (plain steps give α + β, the speculative run's known batch sizes give β). Time to finished
 * edit = prefill + the whole schedule's priced steps.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import type { Token } from "node-llama-cpp";
import { ensureFixtureModel, isFixtureModelName, repoRoot } from "../../fixtures/index.js";
import { firstMessages } from "../../src/agent/prompt.js";
import { renderFileBlock } from "../../src/agent/packer/render.js";
import type { FormatName } from "../../src/edits/index.js";
import { chatPromptTokens } from "../../src/inference/chat-format.js";
import { LocalEngine } from "../../src/inference/engine.js";
import { answerText } from "./answers.js";
import { renderChart } from "./chart.js";
import { readCommits, selectCommits } from "./commits.js";
import { formatCrossover, median, renderTable, type ReplayRow } from "./report.js";
import { lookupSchedule, scheduleCostMs } from "./schedule.js";

const { values: args } = parseArgs({
  options: {
    limit: { type: "string", default: "40" },
    data: { type: "string", default: path.join(repoRoot(), "..", "shared", "data", "edits-dev.jsonl") },
    model: { type: "string", default: "qwen05b-q8_0" },
    formats: { type: "string", default: "whole,search-replace,udiff" },
    steps: { type: "string", default: "16" },
    "max-bytes": { type: "string", default: "12000" },
    threads: { type: "string" },
    "draft-model": { type: "string", default: "draft-q8_0" },
    "no-draft-model": { type: "boolean", default: false },
    json: { type: "boolean", default: false },
    out: { type: "string", default: path.join(repoRoot(), "bench", "out") },
  },
});

const log = (s: string): void => void process.stderr.write(`${s}\n`);
const env = { ...process.env, SPARK_FIXTURES_DIR: process.env.SPARK_FIXTURES_DIR ?? path.join(repoRoot(), ".cache", "fixtures") };
const modelPath = isFixtureModelName(args.model) ? ensureFixtureModel(args.model, env) : args.model;
const formatNames = args.formats.split(",") as FormatName[];
const stepCap = Number(args.steps);
const commits = selectCommits(readCommits(args.data), Number(args.limit), Number(args["max-bytes"]));
log(`replay: ${commits.length} commits (files ≤ ${args["max-bytes"]} bytes), formats ${formatNames.join(", ")}, model ${path.basename(modelPath)}`);

const draftModelPath = args["no-draft-model"]
  ? undefined
  : isFixtureModelName(args["draft-model"])
    ? ensureFixtureModel(args["draft-model"], env)
    : args["draft-model"];
const engine = await LocalEngine.open({ modelPath, draftModelPath, contextSize: 32768, threads: args.threads ? Number(args.threads) : undefined, persistPrefix: false, env });
log(`engine: threads ${engine.plan.threads}, KV ${engine.plan.kvCacheType}`);

type Speculation = "none" | "lookup" | "draft-model";

async function timedRun(prompt: Token[], target: Token[], speculation: Speculation | boolean): Promise<{ ms: number; text: string; proposed: number; accepted: number }> {
  const mode: Speculation = speculation === true ? "lookup" : speculation === false ? "none" : speculation;
  const started = performance.now();
  let text = "";
  let proposed = 0;
  let accepted = 0;
  for await (const ev of engine.generate({
    prompt,
    target,
    maxTokens: target.length,
    draftSource: mode === "none" ? null : prompt,
    drafter: mode === "draft-model" ? "draft-model" : "lookup",
    restore: false,
    persist: false,
  })) {
    if (ev.type === "text") text += ev.text;
    else ({ draftProposed: proposed, draftAccepted: accepted } = ev.stats);
  }
  return { ms: performance.now() - started, text, proposed, accepted };
}

const rows: ReplayRow[] = [];
const started = performance.now();
for (const [n, commit] of commits.entries()) {
  await engine.clearSequence();
  const prompts = new Map<FormatName, Token[]>();
  for (const f of formatNames) {
    const messages = firstMessages({ context: renderFileBlock(commit.path, commit.before), task: commit.message.split("\n")[0] ?? "", format: f });
    prompts.set(f, chatPromptTokens(engine.model, messages));
  }
  const first = prompts.get(formatNames[0] as FormatName) as Token[];
  const prefill = await timedRun(first, first.slice(0, 0).concat([first[0] as Token]), false);
  const prefillMs = prefill.ms;
  for (const format of formatNames) {
    const prompt = prompts.get(format) as Token[];
    const target = engine.tokenize(answerText(commit, format));
    await timedRun(prompt, [target[0] as Token], false); // aligns the cached prefix to this format's prompt
    const perVariant = new Map<string, ReplayRow>();
    let plainStepMs = 0;
    const variants: Speculation[] = draftModelPath ? ["none", "lookup", "draft-model"] : ["none", "lookup"];
    for (const speculation of variants) {
      const base = { commit: commit.commit.slice(0, 10), path: commit.path, fileBytes: commit.before.length, format, speculation, outputTokens: target.length, speedup: 1 };
      if (speculation === "draft-model") {
        // Draft-model acceptance depends on the draft model, so its schedule cannot be computed:
        // the first --steps·4 tokens run for real and the rest is extrapolated at the same rate.
        const timedTarget = target.slice(0, Math.min(target.length, stepCap * 4));
        const run = await timedRun(prompt, timedTarget, "draft-model");
        const perToken = run.ms / timedTarget.length;
        const decodeMs = perToken * target.length;
        perVariant.set(speculation, {
          ...base,
          steps: Math.round((timedTarget.length - run.accepted) * (target.length / timedTarget.length)),
          draftProposed: Math.round(run.proposed * (target.length / timedTarget.length)),
          draftAccepted: Math.round(run.accepted * (target.length / timedTarget.length)),
          tps: Math.round((target.length / (decodeMs / 1000)) * 10) / 10,
          prefillMs: Math.round(prefillMs),
          timeToEditMs: Math.round(prefillMs + decodeMs),
          identical: run.text === engine.model.detokenize(timedTarget),
        });
        continue;
      }
      const lookup = speculation === "lookup";
      const full = lookupSchedule(prompt, lookup ? prompt : null, target);
      const timedTokens = full.covered[Math.min(stepCap, full.steps) - 1] ?? target.length;
      const timedTarget = target.slice(0, timedTokens);
      const expect = lookupSchedule(prompt, lookup ? prompt : null, timedTarget);
      const run = await timedRun(prompt, timedTarget, lookup);
      if (!lookup) plainStepMs = run.ms / expect.steps;
      const decodeMs = lookup ? scheduleCostMs(plainStepMs, run.ms, expect, full) : full.steps * plainStepMs;
      const identical = run.text === engine.model.detokenize(timedTarget) && run.proposed === expect.proposed && run.accepted === expect.accepted;
      perVariant.set(speculation, {
        ...base,
        steps: full.steps,
        draftProposed: full.proposed,
        draftAccepted: full.accepted,
        tps: Math.round((target.length / (decodeMs / 1000)) * 10) / 10,
        prefillMs: Math.round(prefillMs),
        timeToEditMs: Math.round(prefillMs + decodeMs),
        identical,
      });
    }
    const none = perVariant.get("none") as ReplayRow;
    for (const row of perVariant.values()) {
      row.speedup = Math.round((row.tps / none.tps) * 100) / 100;
      rows.push(row);
    }
  }
  const last = rows.filter((r) => r.commit === commit.commit.slice(0, 10) && r.speculation === "lookup");
  log(`[${n + 1}/${commits.length}] ${commit.path} (${commit.before.length} B): ${last.map((r) => `${r.format} ${r.speedup}×`).join(", ")} — ${Math.round((performance.now() - started) / 1000)} s`);
}
await engine.dispose();

process.stdout.write(`${renderTable(rows)}\n`);
const crossover = formatCrossover(rows);
process.stdout.write(`format crossover (search/replace finishes sooner from): ${crossover === undefined ? "not reached in this sample" : `${crossover} bytes`}\n`);
mkdirSync(args.out, { recursive: true });
const chartFile = path.join(args.out, "replay.svg");
writeFileSync(chartFile, renderChart(rows.filter((r) => r.speculation !== "none").map((r) => ({ variant: `${r.format}/${r.speculation}`, fileBytes: r.fileBytes, speedup: r.speedup, timeToEditMs: r.timeToEditMs }))));
writeFileSync(path.join(args.out, "replay-rows.json"), JSON.stringify(rows, null, 1));
process.stdout.write(`chart: ${chartFile}\n`);
if (args.json) {
  const variants: Record<string, { medianSpeedup: number; medianTps: number; medianTimeToEditMs: number; acceptance: number; identical: boolean }> = {};
  for (const key of new Set(rows.map((r) => `${r.format}/${r.speculation}`))) {
    const rs = rows.filter((r) => `${r.format}/${r.speculation}` === key);
    variants[key] = {
      medianSpeedup: median(rs.map((r) => r.speedup)),
      medianTps: median(rs.map((r) => r.tps)),
      medianTimeToEditMs: median(rs.map((r) => r.timeToEditMs)),
      acceptance: Math.round((rs.reduce((a, r) => a + r.draftAccepted, 0) / Math.max(1, rs.reduce((a, r) => a + r.outputTokens, 0))) * 1000) / 1000,
      identical: rs.every((r) => r.identical),
    };
  }
  process.stdout.write(`${JSON.stringify({ commits: commits.length, crossoverBytes: crossover ?? null, seconds: Math.round((performance.now() - started) / 1000), variants })}\n`);
}
