/**
 * What background warming buys the second turn. One repository, two questions, forced replies;
 * three conversations on one resident model:
 *   control: no warming (the second turn sees what the first answer got);
 *   warmed:  the rest is warmed to the end between the turns (the person took their time);
 *   hurried: the second turn comes 3 s into warming (it waits at most one chunk, then
 *            re-prefills the conversation after the first pack).
 * Reports each second turn's prompt, cached tokens, TTFT and files in full, and the warming time.
 *
 * Run: `node --import tsx bench/warming/main.ts --repo DIR [--model successor|qwen05b-q8_0|PATH]
 *       [--context N] [--threads N] [--json]`.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ensureFixtureModel, isFixtureModelName } from "../../fixtures/index.js";
import type { AgentEvent, ContextPackedEvent, StatsEvent } from "../../src/agent/events.js";
import { AgentSession } from "../../src/agent/session.js";
import { openLocalBackend } from "../../src/inference/index.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const { values: args } = parseArgs({
  options: {
    repo: { type: "string" },
    model: { type: "string", default: "qwen05b-q8_0" },
    context: { type: "string", default: "16384" },
    threads: { type: "string" },
    json: { type: "boolean", default: false },
  },
});
if (args.repo === undefined) throw new Error("--repo DIR is required");
const repo = path.resolve(args.repo);
const model = isFixtureModelName(args.model) ? ensureFixtureModel(args.model, { ...process.env, SPARK_FIXTURES_DIR: path.join(root, ".cache", "fixtures") }) : path.resolve(args.model);
const scratch = mkdtempSync(path.join(os.tmpdir(), "spark-bench-warming-"));
const reply = path.join(scratch, "reply.txt");
writeFileSync(reply, "It formats the text with the given styles and returns the string.\n");
const env = { ...process.env, XDG_CACHE_HOME: path.join(scratch, "cache"), SPARK_FORCED_REPLY: reply };
const backend = await openLocalBackend({ modelPath: model, contextSize: Number(args.context), ...(args.threads ? { threads: Number(args.threads) } : {}), env });
const engine = (backend as unknown as { engine: { clearSequence(i?: number): Promise<void> } }).engine; // bench: a cold start per conversation

interface Turn {
  prompt: number;
  cached: number;
  ttftMs: number;
  files: number;
}

async function turn(session: AgentSession, task: string): Promise<Turn> {
  let packed: ContextPackedEvent | undefined;
  let stats: StatsEvent | undefined;
  for await (const ev of session.turn(task, { ask: true }) as AsyncGenerator<AgentEvent>) {
    if (ev.type === "context.packed") packed = ev;
    if (ev.type === "stats") stats = ev;
  }
  return { prompt: stats?.promptTokens ?? 0, cached: stats?.cachedTokens ?? 0, ttftMs: Math.round(stats?.ttftMs ?? 0), files: packed?.packed?.now.files ?? packed?.files ?? 0 };
}

async function conversation(mode: "control" | "warmed" | "hurried"): Promise<{ mode: string; first: Turn; second: Turn; warmMs: number; cpuMs: number }> {
  await engine.clearSequence();
  const session = new AgentSession({ backend, root: repo, warmRest: mode !== "control" });
  const first = await turn(session, "how does chalk decide the color level?");
  const cpu = process.cpuUsage();
  const started = performance.now();
  session.warm();
  if (mode === "warmed") await session.warmed();
  // A quick reply: some warming is under way when the turn comes.
  else if (mode === "hurried") await new Promise((r) => setTimeout(r, 3000));
  const warmMs = Math.round(performance.now() - started);
  const second = await turn(session, "and where are the styles defined?");
  const used = process.cpuUsage(cpu);
  return { mode, first, second, warmMs, cpuMs: Math.round((used.user + used.system) / 1000) };
}

const results = [];
for (const mode of ["control", "warmed", "hurried"] as const) results.push(await conversation(mode));
await backend.close();
if (args.json) console.log(JSON.stringify(results));
else {
  for (const r of results) {
    const t = (x: Turn): string => `prompt ${x.prompt} (cached ${x.cached}), ${x.files} files, TTFT ${x.ttftMs} ms`;
    console.log(`${r.mode.padEnd(8)} turn 1: ${t(r.first)}\n         turn 2: ${t(r.second)}${r.mode === "warmed" ? `; warming took ${r.warmMs} ms` : ""}`);
  }
}
