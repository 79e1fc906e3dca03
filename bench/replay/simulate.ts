/**
 * Speculation policy on exact schedules, no model run (`node --import tsx bench/replay/simulate.ts
 * --data FILE [--limit 40] [--min-bytes 0] [--max-bytes 5000] [--costs 35/20,5/30,1/0.05]
 * [--curve 1:40,2:72,8:150,32:436] [--options '{"resyncWindow":0}']`): the replay's prompts and teacher-forced answers,
 * tokenized with the bench model's vocabulary, each variant's step schedule computed as the engine
 * would run it, priced at fixed α/β. Prints each format's median speedup over plain decoding (and
 * the lowest) per cost (and at the measured batch-size curve `--curve`, batch:ms pairs), so drafting changes can be judged in seconds on all commits.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { ensureFixtureModel, isFixtureModelName, repoRoot } from "../../fixtures/index.js";
import type { FormatName } from "../../src/edits/index.js";
import { batchCurve, lineBreaksOf, stepMs, type PromptLookupOptions, type SpeculatorOptions } from "../../src/inference/index.js";
import { chatPromptTokens, llamaRuntime } from "../../src/inference/runtime.js";
import { median } from "../../src/median.js";
import { answerText, commitOptions, promptMessages } from "./answers.js";
import { commitsFile, readCommits, selectCommits } from "./commits.js";
import { lookupSchedule, scheduleCostMs, type StepCost } from "./schedule.js";

const { values: args } = parseArgs({
  options: {
    ...commitOptions,
    "min-bytes": { type: "string", default: "0" },
    costs: { type: "string", default: "35/20,20/10,5/30,1/0.05" },
    options: { type: "string", default: "{}" },
    curve: { type: "string" },
  },
});

const env = { ...process.env, SPARK_FIXTURES_DIR: process.env.SPARK_FIXTURES_DIR ?? path.join(repoRoot(), ".cache", "fixtures") };
const modelPath = isFixtureModelName(args.model) ? ensureFixtureModel(args.model, env) : args.model;
const llama = await llamaRuntime({ gpu: false }, env);
const model = await llama.loadModel({ modelPath, vocabOnly: true });
const breaksLine = lineBreaksOf((tokens) => model.detokenize(tokens as never));
const editBlocks = { text: (tokens: readonly number[]) => model.detokenize(tokens as never), tokenize: (text: string) => model.tokenize(text) as number[] };
const formatNames = args.formats.split(",") as FormatName[];
const dataFile = commitsFile(args.data);
if (dataFile === undefined) {
  process.stderr.write("simulate: pass --data FILE or set SPARK_BENCH_DATA (JSONL of real single-file commits)\n");
  process.exit(2);
}
const options = JSON.parse(args.options) as PromptLookupOptions & SpeculatorOptions & { blocks?: boolean };
const commits = selectCommits(
  readCommits(dataFile).filter((c) => c.before.length > Number(args["min-bytes"])),
  Number(args.limit),
  Number(args["max-bytes"]),
);
const costs: StepCost[] = args.costs.split(",").map((c) => {
  const [a, b] = c.split("/").map(Number);
  return { alphaMs: a ?? 1, betaMs: b ?? 0 };
});
if (args.curve !== undefined) {
  const points = args.curve.split(",").map((p) => p.split(":").map(Number) as [number, number]);
  const [[b1, ms1] = [1, 1], [b2, ms2] = [2, 2]] = points.slice(-2);
  const betaMs = (ms2 - ms1) / (b2 - b1);
  costs.push({ alphaMs: ms2 - betaMs * b2, betaMs, batchMs: batchCurve(points.map(([batch, ms]) => ({ batch, ms }))) });
}

const tasks = commits.flatMap((commit) =>
  formatNames.map((format) => {
    return { format, prompt: chatPromptTokens(model, promptMessages(commit, format)) as number[], target: model.tokenize(answerText(commit, format)) as number[] };
  }),
);
const r2 = (n: number): string => n.toFixed(2);
for (const cost of costs) {
  const line: string[] = [cost.batchMs ? "curve:" : `α ${cost.alphaMs} β ${cost.betaMs}:`];
  for (const format of formatNames) {
    const speedups: number[] = [];
    let accepted = 0;
    let out = 0;
    for (const t of tasks.filter((x) => x.format === format)) {
      const schedule = await lookupSchedule(t.prompt, t.prompt, t.target, cost, { breaksLine, ...(options.blocks === false || format !== "search-replace" ? {} : { editBlocks }), ...options });
      speedups.push((t.target.length * stepMs(cost, 1)) / scheduleCostMs(cost, schedule));
      accepted += schedule.accepted;
      out += t.target.length;
    }
    line.push(`${format} ${r2(median(speedups))}× (min ${r2(Math.min(...speedups))}, ${Math.round((accepted / out) * 100)}% drafted)`);
  }
  process.stdout.write(`${line.join("  ")}\n`);
}
await model.dispose();
