/**
 * Does drawing the TUI slow decoding? The same task, model and forced reply, run headless
 * (`spark run --json`, decode tok/s from its `stats` event) and in the TUI (`spark --yes TASK` in
 * an 80×24 tmux terminal, decode tok/s from the turn's outcome line, the same `stats` number).
 * Runs alternate (ABBA) so drift on a shared machine hits both modes alike; medians are compared.
 *
 * Run: `npm run build && node --import tsx bench/tui/main.ts [--model successor|qwen05b-q8_0|PATH]
 *       [--runs N] [--threads N] [--context N] [--prose N] [--json]`. Target: TUI ≥ 0.95 × headless.
 * `--prose N`: lines of prose before and after the edit blocks (default 6; fewer for slow models).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { execa } from "execa";
import { ensureFixtureModel, isFixtureModelName } from "../../fixtures/index.js";
import { median } from "../../src/median.js";
import { TmuxSession } from "../../test/tui/tmux.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const bin = path.join(root, "bin", "spark.js");

const { values: args } = parseArgs({
  options: {
    model: { type: "string", default: "successor" },
    runs: { type: "string", default: "3" },
    threads: { type: "string" },
    context: { type: "string", default: "4096" },
    prose: { type: "string", default: "6" },
    json: { type: "boolean", default: false },
  },
});
const model = isFixtureModelName(args.model) ? ensureFixtureModel(args.model, { ...process.env, SPARK_FIXTURES_DIR: path.join(root, ".cache", "fixtures") }) : path.resolve(args.model);
const runs = Math.max(1, Number(args.runs));
const modelArgs = ["--model", model, "--context", args.context, ...(args.threads !== undefined ? ["--threads", args.threads] : [])];
const TASK = "make the greeting configurable and explain the change";

const home = mkdtempSync(path.join(os.tmpdir(), "spark-bench-tui-"));
writeFileSync(path.join(home, "gitconfig"), "[user]\n\tname = Bench\n\temail = bench@example.com\n");
const env: Record<string, string> = {
  PATH: process.env.PATH ?? "/usr/bin:/bin",
  HOME: home,
  TERM: "xterm-256color",
  LANG: "C.UTF-8",
  XDG_CACHE_HOME: path.join(home, "cache"),
  GIT_CONFIG_GLOBAL: path.join(home, "gitconfig"),
  GIT_CONFIG_NOSYSTEM: "1",
  SPARK_FORCED_REPLY: writeReply(),
};

/** The source file the reply edits: 60 lines of ordinary TypeScript. */
function sourceFile(): string {
  const lines = ["export interface Options {", "  name: string;", "}", "", "export function greet(opts: Options): string {", '  return "Hello, " + opts.name;', "}", ""];
  for (let i = 0; i < 13; i++) lines.push(`export function helper${i}(x: number): number {`, `  return x * ${i + 2};`, "}", "");
  return lines.join("\n");
}

/** A realistic answer: prose, two SEARCH/REPLACE blocks, more prose (≈ 2 kB at the default). */
function writeReply(): string {
  const lines = Math.max(0, Number(args.prose));
  const prose = (n: number): string =>
    Array.from({ length: n }, (_, i) => `Step ${i + 1}: the greeting now reads its prefix from the options, so callers can change it without touching this module.`).join("\n");
  const reply = [
    prose(lines),
    "",
    "src/greet.ts",
    "<<<<<<< SEARCH",
    "export interface Options {",
    "  name: string;",
    "}",
    "=======",
    "export interface Options {",
    "  name: string;",
    "  /** Words before the name. Default \"Hello\". */",
    "  greeting?: string;",
    "}",
    ">>>>>>> REPLACE",
    "",
    "src/greet.ts",
    "<<<<<<< SEARCH",
    '  return "Hello, " + opts.name;',
    "=======",
    '  return `${opts.greeting ?? "Hello"}, ${opts.name}`;',
    ">>>>>>> REPLACE",
    "",
    prose(lines),
    "",
  ].join("\n");
  const file = path.join(home, "reply.txt");
  writeFileSync(file, reply);
  return file;
}

function freshRepo(): string {
  const dir = mkdtempSync(path.join(home, "repo-"));
  const git = (...a: string[]): void => void execFileSync("git", a, { cwd: dir, env, stdio: "ignore" });
  git("init", "-q", "-b", "main");
  mkdirSync(path.join(dir, "src"));
  writeFileSync(path.join(dir, "src", "greet.ts"), sourceFile());
  git("add", "-A");
  git("commit", "-qm", "init");
  return dir;
}

interface Sample {
  decodeTps: number;
  outputTokens: number;
}

async function headless(): Promise<Sample> {
  const r = await execa("node", [bin, "run", TASK, "--json", ...modelArgs], { cwd: freshRepo(), env, extendEnv: false, reject: false });
  if (r.exitCode !== 0) throw new Error(`spark run exited ${r.exitCode}: ${r.stderr}`);
  const stats = r.stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as { type: string; decodeTps?: number; outputTokens?: number })
    .filter((e) => e.type === "stats");
  const last = stats.at(-1);
  if (stats.length !== 1 || last?.decodeTps === undefined) throw new Error(`expected one round, got ${stats.length}`);
  return { decodeTps: last.decodeTps, outputTokens: last.outputTokens ?? 0 };
}

async function tui(): Promise<Sample> {
  const t = TmuxSession.start({ dir: mkdtempSync(path.join(home, "tmux-")), cwd: freshRepo(), argv: ["node", bin, ...modelArgs, "--yes", TASK], env });
  try {
    const screen = await t.waitFor((s) => /✓ applied .* · (\d+) tok at ([\d.]+) tok\/s/.test(s) || s.includes("[exit"), "the outcome line", 600_000);
    const m = /✓ applied .* · (\d+) tok at ([\d.]+) tok\/s/.exec(screen);
    if (!m) throw new Error(`no outcome line:\n${screen}`);
    t.press("C-c");
    t.press("C-c");
    await t.waitFor((s) => s.includes("[exit 0]"), "exit", 30_000);
    return { decodeTps: Number(m[2]), outputTokens: Number(m[1]) };
  } finally {
    t.kill();
  }
}

async function main(): Promise<void> {
  await headless(); // warm-up: the repo prefix is saved to the cache, so later runs start alike
  const samples = { headless: [] as Sample[], tui: [] as Sample[] };
  for (let i = 0; i < runs; i++) {
    const order = i % 2 === 0 ? (["headless", "tui"] as const) : (["tui", "headless"] as const);
    for (const mode of order) {
      const s = mode === "headless" ? await headless() : await tui();
      samples[mode].push(s);
      if (!args.json) process.stderr.write(`run ${i + 1} ${mode.padEnd(8)} ${s.decodeTps.toFixed(1)} tok/s (${s.outputTokens} tokens)\n`);
    }
  }
  const h = median(samples.headless.map((s) => s.decodeTps));
  const t = median(samples.tui.map((s) => s.decodeTps));
  const result = {
    model: path.basename(model),
    threads: args.threads ?? "tuned",
    runs,
    headlessTps: samples.headless.map((s) => s.decodeTps),
    tuiTps: samples.tui.map((s) => s.decodeTps),
    headlessMedian: h,
    tuiMedian: t,
    ratio: h > 0 ? Math.round((t / h) * 1000) / 1000 : 0,
    outputTokens: samples.headless[0]?.outputTokens ?? 0,
  };
  if (args.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else {
    process.stdout.write(`model ${result.model}, threads ${result.threads}, ${result.outputTokens} output tokens, ${runs} runs each\n`);
    process.stdout.write(`headless spark run: median ${h.toFixed(1)} tok/s  [${result.headlessTps.join(", ")}]\n`);
    process.stdout.write(`TUI (80x24 tmux):   median ${t.toFixed(1)} tok/s  [${result.tuiTps.join(", ")}]\n`);
    process.stdout.write(`ratio TUI/headless: ${result.ratio.toFixed(3)} (target >= 0.95)\n`);
  }
}

try {
  await main();
} finally {
  rmSync(home, { recursive: true, force: true });
}
