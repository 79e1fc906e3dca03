import { execa } from "execa";
import { UsageError } from "../errors.js";
import { median } from "../median.js";

/** llama.cpp's own numbers for the same model and threads. */
export interface LlamaBenchResult {
  pp512: number;
  tg128: number;
}

interface LlamaBenchRow {
  n_prompt?: number;
  n_gen?: number;
  n_depth?: number;
  avg_ts?: number;
}

/** The context settings to give llama-bench so both sides run the same configuration. */
export interface LlamaBenchContext {
  flashAttention: boolean;
  kvKeyType: string;
  kvValueType: string;
  batchSize: number;
}

/** What llama-bench runs: `-p prompt -n gen -r repetitions [-d depths]`. */
export interface LlamaBenchRun {
  prompt: number;
  gen: number;
  repetitions: number;
  /** Context depths (tokens already in the KV cache) each test runs at. Default: llama-bench's (0). */
  depths?: readonly number[];
}

async function llamaBenchRows(binary: string, modelPath: string, threads: number, context: LlamaBenchContext, run: LlamaBenchRun, signal?: AbortSignal): Promise<LlamaBenchRow[]> {
  let stdout: string;
  const settings = ["-fa", context.flashAttention ? "1" : "0", "-ctk", context.kvKeyType.toLowerCase(), "-ctv", context.kvValueType.toLowerCase(), "-ub", String(context.batchSize)];
  const depths = run.depths && run.depths.length > 0 ? ["-d", run.depths.join(",")] : [];
  try {
    const args = ["-m", modelPath, "-t", String(threads), "-p", String(run.prompt), "-n", String(run.gen), "-r", String(run.repetitions), ...depths, ...settings, "-o", "json"];
    const result = await execa(binary, args, { cancelSignal: signal, env: { OMP_NUM_THREADS: String(threads) } });
    stdout = result.stdout;
  } catch (err) {
    throw new UsageError(`llama-bench failed: ${err instanceof Error ? (err.message.split("\n")[0] ?? "") : String(err)}`);
  }
  try {
    return JSON.parse(stdout) as LlamaBenchRow[];
  } catch {
    throw new UsageError("llama-bench printed no JSON (is it llama.cpp's llama-bench?)");
  }
}

const tenths = (n: number | undefined): number => Math.round((n ?? 0) * 10) / 10;

/**
 * Runs llama.cpp's `llama-bench` with our context settings and returns its tok/s (0 for a test
 * it did not run). Default run: pp512 and tg128, 3 repetitions.
 */
export async function runLlamaBench(
  binary: string,
  modelPath: string,
  threads: number,
  context: LlamaBenchContext,
  run: LlamaBenchRun = { prompt: 512, gen: 128, repetitions: 3 },
  signal?: AbortSignal,
): Promise<LlamaBenchResult> {
  const rows = await llamaBenchRows(binary, modelPath, threads, context, run, signal);
  const pp = rows.find((r) => (r.n_prompt ?? 0) > 0 && (r.n_gen ?? 0) === 0);
  const tg = rows.find((r) => (r.n_gen ?? 0) > 0 && (r.n_prompt ?? 0) === 0);
  return { pp512: tenths(pp?.avg_ts), tg128: tenths(tg?.avg_ts) };
}

/**
 * llama-bench's decode (`tg`, `gen` tokens) at each context depth (`-d`): tok/s by depth, 0 for a
 * depth it did not report.
 */
export async function runLlamaBenchDepths(
  binary: string,
  modelPath: string,
  threads: number,
  context: LlamaBenchContext,
  depths: readonly number[],
  gen: number,
  repetitions = 1,
  signal?: AbortSignal,
): Promise<Record<number, number>> {
  const rows = await llamaBenchRows(binary, modelPath, threads, context, { prompt: 0, gen, repetitions, depths }, signal);
  const out: Record<number, number> = {};
  for (const d of depths) out[d] = tenths(rows.find((r) => (r.n_gen ?? 0) > 0 && (r.n_prompt ?? 0) === 0 && (r.n_depth ?? 0) === d)?.avg_ts);
  return out;
}

/** Decode speeds measured in alternation, and the ratio read off them. */
export interface DecodeComparison {
  /** Ours before the first round and after each round: rounds + 1 values. */
  ours: number[];
  theirs: number[];
  /** Per round: the mean of ours just before and just after, over theirs. */
  ratios: number[];
  /** Median of `ratios`. */
  ratio: number;
}

/**
 * Alternates our decode measurement with theirs, `rounds` times (default 3), and takes the median of
 * the per-round ratios: a shared machine's load drifts by ±10% within minutes, so one pair
 * measured minutes apart says little, and each of theirs is set beside ours just around it.
 */
export async function compareDecode(ours: () => Promise<number>, theirs: () => Promise<number>, rounds = 3): Promise<DecodeComparison> {
  const oursValues = [await ours()];
  const theirValues: number[] = [];
  for (let i = 0; i < rounds; i++) {
    theirValues.push(await theirs());
    oursValues.push(await ours());
  }
  const ratios = theirValues.map((t, i) => (t > 0 ? ((oursValues[i] ?? 0) + (oursValues[i + 1] ?? 0)) / 2 / t : 0));
  return { ours: oursValues, theirs: theirValues, ratios, ratio: median(ratios) };
}
