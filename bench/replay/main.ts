/**
 * Teacher-forced replay of real commits (`npm run bench:replay -- [--limit N] [--json]`).
 *
 * For each commit: the prompt Spark would send (lean system prompt + the file + the commit message)
 * is prefilled once on a real-shape bench model; then, per edit format and speculation variant, the
 * target answer is decoded with every step's token forced to the target. Which drafts are accepted
 * does not depend on the model under teacher forcing, so the full step schedule is computed exactly
 * (schedule.ts, checked against the engine's own counts); the engine runs the first `--steps`
 * verification steps of each variant for real, timing each step, and times batches of every size
 * the policy drafts for (BATCH_SIZES, `--calibrate` rounds) at the commit's depth: each variant's
 * full schedule, as the policy runs it knowing those prices, is priced step by step with them (on
 * a CPU a batch's cost is neither linear nor monotone in its size, so a line fitted through short
 * batches overpriced long ones by up to 70%). Time to finished edit = prefill + the priced
 * schedule. `--real K` also decodes K commits' whole answers for real, plain and with the engine's
 * own online policy, and sets their wall-clock speedups beside the priced ones.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import type { Token } from "node-llama-cpp";
import { ensureFixtureModel, isFixtureModelName, repoRoot } from "../../fixtures/index.js";
import type { FormatName } from "../../src/edits/index.js";
import { BATCH_SIZES, batchCurve, describeKvTypes, lineBreaksOf } from "../../src/inference/index.js";
import { chatPromptTokens, LocalEngine } from "../../src/inference/runtime.js";
import { answerText, commitOptions, promptMessages } from "./answers.js";
import { renderChart } from "./chart.js";
import { commitsFile, readCommits, selectCommits } from "./commits.js";
import { median } from "../../src/median.js";
import { formatCrossover, renderTable, type ReplayRow } from "./report.js";
import { realRuns, realSummary, type RealRun } from "./real-runs.js";
import { fitStepCost, lookupSchedule, scheduleCostMs, type Schedule, type StepCost, type StepSample } from "./schedule.js";

const { values: args } = parseArgs({
  options: {
    ...commitOptions,
    steps: { type: "string", default: "4" },
    calibrate: { type: "string", default: "2" },
    real: { type: "string", default: "0" },
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
const dataFile = commitsFile(args.data);
if (dataFile === undefined) {
  log("replay: pass --data FILE or set SPARK_BENCH_DATA (JSONL of real single-file commits)");
  process.exit(2);
}
const commits = selectCommits(readCommits(dataFile), Number(args.limit), Number(args["max-bytes"]));
log(`replay: ${commits.length} commits (files ≤ ${args["max-bytes"]} bytes), formats ${formatNames.join(", ")}, model ${path.basename(modelPath)}`);

const draftModelPath = args["no-draft-model"]
  ? undefined
  : isFixtureModelName(args["draft-model"])
    ? ensureFixtureModel(args["draft-model"], env)
    : args["draft-model"];
const engine = await LocalEngine.open({ modelPath, draftModelPath, contextSize: 32768, threads: args.threads ? Number(args.threads) : undefined, persistPrefix: false, env });
log(`engine: threads ${engine.plan.threads}, KV ${describeKvTypes(engine.plan)}, flash attention ${engine.plan.flashAttention ? "on" : "off"}`);

type Speculation = "none" | "lookup" | "draft-model";

/**
 * One engine run. `tokens` are the emitted tokens, compared with the target token for token (a
 * text comparison would depend on detokenization: the fixture's llama-bpe tokenizer cleans up
 * " '" when a whole sequence is detokenized at once, but not across streamed pieces).
 */
async function timedRun(prompt: Token[], target: Token[], speculation: Speculation | boolean, samples?: StepSample[], source: Token[] = prompt, stepCost?: StepCost, editBlocks = false): Promise<{ ms: number; tokens: Token[]; proposed: number; accepted: number }> {
  const mode: Speculation = speculation === true ? "lookup" : speculation === false ? "none" : speculation;
  const started = performance.now();
  const tokens: Token[] = [];
  let proposed = 0;
  let accepted = 0;
  for await (const ev of engine.generate({
    prompt,
    target,
    maxTokens: target.length,
    draftSource: mode === "none" ? null : source,
    drafter: mode === "draft-model" ? "draft-model" : "lookup",
    editBlocks,
    restore: false,
    persist: false,
    stepCost,
    onStep: (batch, ms, emitted) => {
      samples?.push({ batch, ms });
      tokens.push(...emitted);
    },
  })) {
    if (ev.type === "stats") ({ draftProposed: proposed, draftAccepted: accepted } = ev.stats);
  }
  return { ms: performance.now() - started, tokens, proposed, accepted };
}

function sameTokens(a: readonly Token[], b: readonly Token[]): boolean {
  return a.length === b.length && a.every((t, i) => t === b[i]);
}

const rows: ReplayRow[] = [];
const started = performance.now();
// The price speculation's policy runs the timed windows at: fixed, so their schedule is exact, and
// cheap for drafted tokens, so every commit times drafted steps of several sizes (a window priced
// at the last fit drafted nothing once that fit said drafting cannot pay, and then β had no steps
// to be fitted on).
const windowCost: StepCost = { alphaMs: 10, betaMs: 1 };
// The engine's speculation tells line starts by the model's token texts; the schedules must too.
const breaksLine = lineBreaksOf((tokens) => engine.model.detokenize(tokens as Token[]));
// Search/replace answers draft along their block structure, as the agent asks the engine to.
const editBlocks = { text: (tokens: readonly number[]) => engine.model.detokenize(tokens as Token[]), tokenize: (text: string) => engine.model.tokenize(text, false) };
const lookupOptions = (format: FormatName): Parameters<typeof lookupSchedule>[4] => ({ breaksLine, ...(format === "search-replace" ? { editBlocks } : {}) });
await engine.clearSequence();
for (const [n, commit] of commits.entries()) {
  // No clearing between commits: the fixed system prompt stays cached, as it does in Spark.
  const prompts = new Map<FormatName, Token[]>();
  for (const f of formatNames) {
    prompts.set(f, chatPromptTokens(engine.model, promptMessages(commit, f)));
  }
  const first = prompts.get(formatNames[0] as FormatName) as Token[];
  const fileTokens = engine.tokenize(commit.before).length;
  const prefillMs = (await timedRun(first, [first[0] as Token], false)).ms;
  const calibration = await engine.timeBatches(first, engine.tokenize(commit.after), BATCH_SIZES, Number(args.calibrate));
  // Every timed step of this commit (all formats, plain and speculative) prices α + β·batch at
  // this context depth; each variant's full schedule is then priced with it.
  const samples: StepSample[] = [];
  const pending: { row: ReplayRow; schedule: Schedule; prompt: Token[]; target: Token[]; source: Token[] | null }[] = [];
  for (const format of formatNames) {
    const prompt = prompts.get(format) as Token[];
    const target = engine.tokenize(answerText(commit, format));
    await timedRun(prompt, [target[0] as Token], false); // aligns the cached prefix to this format's prompt
    const base = { commit: commit.commit.slice(0, 10), path: commit.path, fileBytes: commit.before.length, fileTokens, format, outputTokens: target.length, speedup: 1, prefillMs: Math.round(prefillMs) };
    for (const speculation of ["none", "lookup"] as const) {
      const lookup = speculation === "lookup";
      const source = lookup ? prompt : null;
      const full = await lookupSchedule(prompt, source, target, windowCost, lookupOptions(format));
      // The timed window starts where drafting does (the opening sentence has nothing to copy):
      // the target up to there is prefilled after the prompt, and a fresh drafter on the same
      // source continues, whose schedule is computed the same way.
      const firstDraft = lookup ? full.batchSizes.findIndex((b) => b > 1) : 0;
      const skip = firstDraft > 0 ? (full.covered[firstDraft - 1] ?? 0) : 0;
      const windowPrompt = [...prompt, ...target.slice(0, skip)];
      const window = await lookupSchedule(windowPrompt, source, target.slice(skip), windowCost, lookupOptions(format));
      const timedTarget = target.slice(skip, skip + (window.covered[Math.min(stepCap, window.steps) - 1] ?? 0));
      const expect = await lookupSchedule(windowPrompt, source, timedTarget, windowCost, lookupOptions(format));
      const run = await timedRun(windowPrompt, timedTarget, lookup, samples, prompt, windowCost, format === "search-replace");
      const identical = sameTokens(run.tokens, timedTarget) && run.proposed === expect.proposed && run.accepted === expect.accepted;
      if (!identical) log(`  ${format}/${speculation}: the engine's window differs from its schedule (tokens ${sameTokens(run.tokens, timedTarget) ? "same" : "differ"}; drafts ${run.accepted}/${run.proposed} vs ${expect.accepted}/${expect.proposed})`);
      pending.push({ row: { ...base, speculation, steps: 0, draftProposed: 0, draftAccepted: 0, tps: 0, timeToEditMs: 0, identical }, schedule: full, prompt, target, source });
    }
    if (draftModelPath) {
      // Draft-model acceptance depends on the draft model, so its schedule cannot be computed:
      // the first --steps·8 tokens run for real (speculation pricing steps as measured online)
      // and the rest is extrapolated at the same rate. (A window of 8 tokens, 0.2 s, read 0.55–1.42×
      // on identical plain decoding: the host's jitter, not speculation.)
      const timedTarget = target.slice(0, Math.min(target.length, stepCap * 8));
      // Set beside a plain run of the same window, also timed for real, just before or after it
      // (alternating from commit to commit, so the order does not favour either).
      const plainFirst = n % 2 === 0;
      let plainMs = plainFirst ? (await timedRun(prompt, timedTarget, false)).ms : 0;
      const run = await timedRun(prompt, timedTarget, "draft-model");
      if (!plainFirst) plainMs = (await timedRun(prompt, timedTarget, false)).ms;
      const scale = target.length / timedTarget.length;
      const decodeMs = (run.ms / timedTarget.length) * target.length;
      pending.push({
        row: {
          ...base,
          speculation: "draft-model",
          steps: Math.round((timedTarget.length - run.accepted) * scale),
          draftProposed: Math.round(run.proposed * scale),
          draftAccepted: Math.round(run.accepted * scale),
          tps: Math.round((target.length / (decodeMs / 1000)) * 10) / 10,
          speedup: Math.round((plainMs / run.ms) * 100) / 100,
          timeToEditMs: Math.round(prefillMs + decodeMs),
          identical: sameTokens(run.tokens, timedTarget),
        },
        schedule: { steps: 0, proposed: 0, accepted: 0, covered: [], batchSizes: [] },
        prompt,
        target,
        source: null,
      });
    }
  }
  const menu = new Set(BATCH_SIZES);
  const cost = { ...fitStepCost(samples), batchMs: batchCurve([...calibration, ...samples.filter((s) => menu.has(s.batch))]) };
  if (process.env.REPLAY_DEBUG) log(JSON.stringify(samples.map((s) => [s.batch, Math.round(s.ms)])));
  for (const entry of pending) {
    const { row } = entry;
    if (row.speculation !== "draft-model") {
      // Speculation decides at the price measured now: the schedule as the policy runs it at this
      // commit's fitted cost, priced at the same cost.
      const schedule = await lookupSchedule(entry.prompt, entry.source, entry.target, cost, lookupOptions(entry.row.format as FormatName));
      Object.assign(row, { steps: schedule.steps, draftProposed: schedule.proposed, draftAccepted: schedule.accepted });
      const decodeMs = scheduleCostMs(cost, schedule);
      row.tps = Math.round((row.outputTokens / (decodeMs / 1000)) * 10) / 10;
      row.timeToEditMs = Math.round(prefillMs + decodeMs);
    }
  }
  for (const { row } of pending) {
    const none = pending.find((p) => p.row.format === row.format && p.row.speculation === "none")?.row;
    if (row.speculation !== "draft-model") row.speedup = none && none.tps > 0 ? Math.round((row.tps / none.tps) * 100) / 100 : 1;
    rows.push(row);
  }
  const last = pending.filter((p) => p.row.speculation === "lookup").map((p) => p.row);
  log(`[${n + 1}/${commits.length}] ${commit.path} (${commit.before.length} B, prompt ${first.length} tok): steps of 1/2/8/16/64 tokens ${[1, 2, 8, 16, 64].map((b) => Math.round(cost.batchMs[b] ?? 0)).join("/")} ms; ${last.map((r) => `${r.format} ${r.speedup}×`).join(", ")} — ${Math.round((performance.now() - started) / 1000)} s`);
}
let real: RealRun[] = [];
if (Number(args.real) > 0) {
  log(`real runs: ${args.real} commits, whole answers decoded plain and with the online policy`);
  real = await realRuns(engine, commits, formatNames, Number(args.real), log);
}
await engine.dispose();

process.stdout.write(`${renderTable(rows)}\n`);
const crossover = formatCrossover(rows);
process.stdout.write(`format crossover (whole-file rewrites up to this size, search/replace above, finish soonest): ${crossover === undefined ? "no commit with both formats" : `${crossover.tokens} tokens (${crossover.bytes} bytes)`}\n`);
mkdirSync(args.out, { recursive: true });
const chartFile = path.join(args.out, "replay.svg");
writeFileSync(chartFile, renderChart(rows.filter((r) => r.speculation !== "none").map((r) => ({ variant: `${r.format}/${r.speculation}`, fileBytes: r.fileBytes, speedup: r.speedup, timeToEditMs: r.timeToEditMs }))));
writeFileSync(path.join(args.out, "replay-rows.json"), JSON.stringify(rows, null, 1));
process.stdout.write(`chart: ${chartFile}\n`);
if (real.length > 0) {
  const summary = realSummary(real);
  process.stdout.write(`real runs (online policy, wall clock): ${Object.entries(summary).map(([f, s]) => `${f} ${s.medianSpeedup}× median of ${s.runs}${s.identical ? "" : " TEXT DIFFERS"}`).join(", ")}\n`);
}
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
  process.stdout.write(`${JSON.stringify({ commits: commits.length, crossoverTokens: crossover?.tokens ?? null, crossoverBytes: crossover?.bytes ?? null, seconds: Math.round((performance.now() - started) / 1000), variants, real: real.length > 0 ? realSummary(real) : undefined })}\n`);
}
