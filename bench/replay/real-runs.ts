import type { Token } from "node-llama-cpp";
import type { FormatName } from "../../src/edits/index.js";
import { median } from "../../src/median.js";
import type { LocalEngine } from "../../src/inference/runtime.js";
import { chatPromptTokens } from "../../src/inference/runtime.js";
import { answerText, promptMessages } from "./answers.js";
import type { Commit } from "./commits.js";

/** A whole answer decoded for real, plain and with lookup drafts under the engine's online policy. */
export interface RealRun {
  path: string;
  format: FormatName;
  outputTokens: number;
  plainMs: number;
  lookupMs: number;
  speedup: number;
  draftAccepted: number;
  identical: boolean;
}

/**
 * The check on the priced replay: `k` commits spread over the selection, each format's whole
 * teacher-forced answer decoded twice on the prefilled prompt, plain and with lookup drafts priced
 * by the engine's own online step cost (no fixed price, no schedule) and the acceptance it learned
 * on the earlier commits' answers of that format, as in a session; wall clock each. The two
 * runs alternate which goes first from commit to commit, so a drift in the host's load does not
 * favour one.
 */
export async function realRuns(engine: LocalEngine, commits: readonly Commit[], formats: readonly FormatName[], k: number, log: (s: string) => void): Promise<RealRun[]> {
  const picked = Array.from({ length: Math.min(k, commits.length) }, (_, i) => commits[Math.floor((i * commits.length) / Math.min(k, commits.length))] as Commit);
  const out: RealRun[] = [];
  for (const [n, commit] of picked.entries()) {
    for (const format of formats) {
      const prompt = chatPromptTokens(engine.model, promptMessages(commit, format));
      const target = engine.tokenize(answerText(commit, format));
      await decode(engine, prompt, [target[0] as Token], false, format); // prefills the prompt
      const runs: Record<"plain" | "lookup", { ms: number; tokens: Token[]; accepted: number }> = { plain: { ms: 0, tokens: [], accepted: 0 }, lookup: { ms: 0, tokens: [], accepted: 0 } };
      for (const mode of n % 2 === 0 ? (["plain", "lookup"] as const) : (["lookup", "plain"] as const)) {
        runs[mode] = await decode(engine, prompt, target, mode === "lookup", format);
      }
      const identical = [runs.plain, runs.lookup].every((r) => r.tokens.length === target.length && r.tokens.every((t, i) => t === target[i]));
      const row = { path: commit.path, format, outputTokens: target.length, plainMs: Math.round(runs.plain.ms), lookupMs: Math.round(runs.lookup.ms), speedup: Math.round((runs.plain.ms / runs.lookup.ms) * 100) / 100, draftAccepted: runs.lookup.accepted, identical };
      out.push(row);
      log(`  real ${n + 1}/${picked.length} ${commit.path} ${format}: plain ${row.plainMs} ms, lookup ${row.lookupMs} ms → ${row.speedup}× (${row.draftAccepted} of ${row.outputTokens} drafted)`);
    }
  }
  return out;
}

/** One teacher-forced decode, as the agent asks for an answer in `format` (block drafts, acceptance kept per format). */
async function decode(engine: LocalEngine, prompt: Token[], target: Token[], lookup: boolean, format: FormatName): Promise<{ ms: number; tokens: Token[]; accepted: number }> {
  const started = performance.now();
  const tokens: Token[] = [];
  let accepted = 0;
  const events = engine.generate({ prompt, target, maxTokens: target.length, draftSource: lookup ? prompt : null, drafter: "lookup", editBlocks: format === "search-replace", answerKind: format, restore: false, persist: false, onStep: (_b, _ms, emitted) => void tokens.push(...emitted) });
  for await (const ev of events) if (ev.type === "stats") accepted = ev.stats.draftAccepted;
  return { ms: performance.now() - started, tokens, accepted };
}

/** Median speedup per format. */
export function realSummary(runs: readonly RealRun[]): Record<string, { medianSpeedup: number; runs: number; identical: boolean }> {
  const out: Record<string, { medianSpeedup: number; runs: number; identical: boolean }> = {};
  for (const format of new Set(runs.map((r) => r.format))) {
    const rs = runs.filter((r) => r.format === format);
    out[format] = { medianSpeedup: median(rs.map((r) => r.speedup)), runs: rs.length, identical: rs.every((r) => r.identical) };
  }
  return out;
}
