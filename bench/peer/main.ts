/**
 * Spark beside llama.cpp's own server (`npm run bench:peer -- --llama-server PATH --data FILE
 * [--models successor,qwen05b-q8_0] [--threads 2] [--rounds 3] [--commit PREFIX] [--json]`).
 *
 * Per model: llama-server with `--spec-type none` and with `--spec-type ngram-mod`, and `spark
 * serve`, on the same GGUF file, threads and context, get the same /v1/completions request: a
 * real commit held out of the replay's selection (by default the one whose new file is closest
 * to 1,500 bytes), prompt = the file before + the commit message, and a GBNF grammar that forces
 * the output to be the file after, so every server writes the same text and speculation copying
 * the prompt can be accepted. Each server answers once to warm up (prefill, grammar), then the
 * rounds run the three in rotating order with the prompt cached. Prints each side's median tok/s
 * (client wall clock, and the server's own `timings.predicted_per_second`), drafts accepted, and
 * Spark / ngram-mod; the load average goes beside it (a shared VM moves either side).
 */
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { ensureFixtureModel, isFixtureModelName, repoRoot } from "../../fixtures/index.js";
import { exactTextGrammar } from "../../src/inference/index.js";
import { median } from "../../src/median.js";
import { commitsFile, readCommits, selectCommits, type Commit } from "../replay/commits.js";
import { complete, startLlamaServer, startSparkServe, type CompletionRun, type PeerServer } from "./servers.js";

const { values: args } = parseArgs({
  options: {
    "llama-server": { type: "string" },
    data: { type: "string" },
    models: { type: "string", default: "successor,qwen05b-q8_0" },
    threads: { type: "string", default: String(os.availableParallelism()) },
    context: { type: "string", default: "8192" },
    rounds: { type: "string", default: "3" },
    commit: { type: "string" },
    json: { type: "boolean", default: false },
  },
});

const log = (s: string): void => void process.stderr.write(`${s}\n`);
const binary = args["llama-server"] ?? process.env.SPARK_LLAMA_SERVER;
const dataFile = commitsFile(args.data);
if (binary === undefined || dataFile === undefined) {
  log("peer: pass --llama-server PATH (or SPARK_LLAMA_SERVER) and --data FILE (or SPARK_BENCH_DATA)");
  process.exit(2);
}
process.env.SPARK_FIXTURES_DIR ??= path.join(repoRoot(), ".cache", "fixtures");

/** The replay's 40 commits are its own; the copy task takes one of the rest. */
function heldOutCommit(all: readonly Commit[], prefix: string | undefined): Commit {
  if (prefix !== undefined) {
    const found = all.find((c) => c.commit.startsWith(prefix));
    if (!found) throw new Error(`peer: no commit ${prefix} in ${dataFile}`);
    return found;
  }
  const replayed = new Set(selectCommits(all, 40, 5000).map((c) => `${c.commit}:${c.path}`));
  const rest = all.filter((c) => !replayed.has(`${c.commit}:${c.path}`) && c.before !== c.after);
  const size = (c: Commit): number => Math.abs(Buffer.byteLength(c.after) - 1500);
  const best = [...rest].sort((a, b) => size(a) - size(b) || a.commit.localeCompare(b.commit))[0];
  if (!best) throw new Error("peer: no held-out commit");
  return best;
}

const commit = heldOutCommit(readCommits(dataFile), args.commit);
const prompt = `${commit.before}\n${commit.message}\n`;
const grammar = exactTextGrammar(commit.after);
const threads = Number(args.threads);
const rounds = Math.max(1, Number(args.rounds));
const load = (): string => os.loadavg().map((l) => l.toFixed(2)).join(" ");
log(`peer: commit ${commit.commit.slice(0, 10)} ${commit.path} (${Buffer.byteLength(commit.after)} bytes forced), ${threads} threads, ${rounds} rounds; load ${load()}`);

interface Side {
  name: string;
  runs: CompletionRun[];
}

const tps = (r: CompletionRun): number => (r.completionTokens / r.wallMs) * 1000;
const r1 = (n: number): string => (Math.round(n * 10) / 10).toFixed(1);

/** Servers running now: stopped on Ctrl-C or a kill, not left behind holding memory and cores. */
const running = new Set<PeerServer>();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void Promise.all([...running].map((s) => s.stop())).finally(() => process.exit(130));
  });
}

async function measureModel(name: string): Promise<{ model: string; sides: Side[]; identical: boolean; loadBefore: string; loadAfter: string }> {
  const model = isFixtureModelName(name) ? ensureFixtureModel(name) : path.resolve(name);
  const settings = { model, threads, contextSize: Number(args.context) };
  const servers: PeerServer[] = [];
  try {
    for (const start of [() => startLlamaServer(binary as string, settings, "none"), () => startLlamaServer(binary as string, settings, "ngram-mod"), () => startSparkServe(settings)]) {
      const server = await start();
      servers.push(server);
      running.add(server);
    }
    const loadBefore = load();
    const sides: Side[] = servers.map((s) => ({ name: s.name, runs: [] }));
    let identical = true;
    const maxTokens = Buffer.byteLength(commit.after) + 64;
    for (const server of servers) identical &&= (await complete(server, prompt, grammar, maxTokens)).text === commit.after;
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < servers.length; k++) {
        const i = (k + round) % servers.length;
        const run = await complete(servers[i] as PeerServer, prompt, grammar, maxTokens);
        identical &&= run.text === commit.after;
        sides[i]?.runs.push(run);
        log(`  ${path.basename(model)} round ${round + 1}: ${servers[i]?.name} ${r1(tps(run))} tok/s (server ${r1(run.decodeTps)}), drafts ${run.draftAccepted}/${run.draftProposed}`);
      }
    }
    return { model: path.basename(model), sides, identical, loadBefore, loadAfter: load() };
  } finally {
    for (const s of servers) {
      await s.stop();
      running.delete(s);
    }
  }
}

const results = [];
for (const name of args.models.split(",")) results.push(await measureModel(name));

const lines = ["| model | llama-server, no drafts | llama-server ngram-mod | spark serve | Spark / ngram-mod | Spark drafts accepted | load (before → after) |", "|---|---|---|---|---|---|---|"];
const summary = results.map(({ model, sides, identical, loadBefore, loadAfter }) => {
  const med = (side: Side | undefined, f: (r: CompletionRun) => number): number => median((side?.runs ?? []).map(f));
  const [none, ngram, spark] = sides;
  const sparkRuns = spark?.runs ?? [];
  const accepted = sparkRuns.reduce((a, r) => a + r.draftAccepted, 0);
  const proposed = sparkRuns.reduce((a, r) => a + r.draftProposed, 0);
  const out = sparkRuns.reduce((a, r) => a + r.completionTokens, 0);
  const ratio = med(ngram, tps) > 0 ? med(spark, tps) / med(ngram, tps) : 0;
  const cell = (side: Side | undefined): string => `${r1(med(side, tps))} tok/s (server ${r1(med(side, (r) => r.decodeTps))})`;
  lines.push(`| ${model} | ${cell(none)} | ${cell(ngram)} | ${cell(spark)} | ${ratio.toFixed(2)}× | ${accepted} of ${proposed} drafted (${out} out)${identical ? "" : " · TEXT DIFFERS"} | ${loadBefore} → ${loadAfter} |`);
  return { model, none: med(none, tps), ngramMod: med(ngram, tps), spark: med(spark, tps), ratio: Math.round(ratio * 100) / 100, draftAccepted: accepted, draftProposed: proposed, outputTokens: out, identical };
});
process.stdout.write(`${lines.join("\n")}\n`);
if (args.json) process.stdout.write(`${JSON.stringify({ commit: commit.commit.slice(0, 10), threads, rounds, models: summary })}\n`);
