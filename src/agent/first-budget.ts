/**
 * The budget of the first answer: what this machine prefills in a few seconds, plus what the
 * backend already holds, not the whole context. On a CPU a 0.5B model prefills ~65-200 tokens a
 * second, so packing 100k tokens of repository before the first edit costs minutes; the files the
 * ranking is surest of fit in a few thousand.
 *
 * The prefill speed is the one this machine measured on earlier requests with the same model
 * (kept in `<cache>/packer/prefill.json`); before any, a conservative default.
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";

/** Seconds of prefill the first answer may wait for. */
export const FIRST_ANSWER_PREFILL_SECONDS = 15;
/** Prefill tokens a second assumed before this machine has measured any (a 0.5B model on 2 CPU cores). */
export const DEFAULT_PREFILL_TPS = 100;
/** Least repository budget, whatever the speed. */
export const MIN_FIRST_BUDGET = 1024;
const BUDGET_STEP = 512;
/** A new measurement replaces the stored one only when they differ by more than this share. */
const SPEED_CHANGE = 0.25;
/** Fewest evaluated prompt tokens for a request's prefill speed to count as a measurement. */
const MIN_MEASURED_TOKENS = 512;

/** Inputs of the first answer's budget. */
export interface FirstBudgetInput {
  /** What the context has room for (context size − reply reserve − fixed prompt). */
  contextBudget: number;
  /** Measured prefill tokens a second (undefined: not measured yet). */
  prefillTps?: number;
  /** Tokens of the prompt other than the repository (system prompt, task). */
  fixedTokens: number;
  /** Prompt tokens the backend is expected to hold already. Default 0. */
  cachedTokens?: number;
  /** Tokens the edit targets need in full (the budget never falls below them). */
  targetTokens?: number;
  /** Prefill seconds allowed. Default `FIRST_ANSWER_PREFILL_SECONDS`. */
  seconds?: number;
}

/** The repository budget for the first answer. */
export function firstAnswerBudget(input: FirstBudgetInput): number {
  const tps = input.prefillTps ?? DEFAULT_PREFILL_TPS;
  const fresh = Math.round(tps * (input.seconds ?? FIRST_ANSWER_PREFILL_SECONDS)) - input.fixedTokens;
  const wanted = Math.max(MIN_FIRST_BUDGET, fresh, Math.ceil((input.targetTokens ?? 0) * 1.15) + 256) + (input.cachedTokens ?? 0);
  // In steps of 512: a speed measured a little differently must not change the packed text (and
  // with it the prompt a warm server has cached).
  return Math.min(input.contextBudget, Math.ceil(wanted / BUDGET_STEP) * BUDGET_STEP);
}

type SpeedFile = Record<string, { tps: number; at: string }>;

/** The prefill speed measured for `model` (undefined when none was). */
export async function measuredPrefillTps(cacheDir: string | undefined, model: string): Promise<number | undefined> {
  if (cacheDir === undefined) return undefined;
  try {
    const data = JSON.parse(await readFile(speedFile(cacheDir), "utf8")) as SpeedFile;
    const tps = data[model]?.tps;
    return typeof tps === "number" && tps > 0 ? tps : undefined;
  } catch {
    return undefined;
  }
}

/** Records a request's prefill speed for `model` when it evaluated enough tokens to tell. */
export async function recordPrefill(cacheDir: string | undefined, model: string, stats: { promptTokens: number; cachedTokens: number; prefillTps: number }): Promise<void> {
  if (cacheDir === undefined || stats.promptTokens - stats.cachedTokens < MIN_MEASURED_TOKENS || !(stats.prefillTps > 0)) return;
  const file = speedFile(cacheDir);
  let data: SpeedFile = {};
  try {
    data = JSON.parse(await readFile(file, "utf8")) as SpeedFile;
  } catch {
    // first measurement
  }
  const old = data[model]?.tps;
  if (old !== undefined && Math.abs(stats.prefillTps - old) <= old * SPEED_CHANGE) return;
  data[model] = { tps: Math.round(stats.prefillTps * 10) / 10, at: new Date().toISOString() };
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(data));
  await rename(tmp, file);
}

function speedFile(cacheDir: string): string {
  return path.join(cacheDir, "packer", "prefill.json");
}
