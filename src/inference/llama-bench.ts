import { execa } from "execa";
import { UsageError } from "../errors.js";

/** llama.cpp's own numbers for the same model and threads. */
export interface LlamaBenchResult {
  pp512: number;
  tg128: number;
}

interface LlamaBenchRow {
  n_prompt?: number;
  n_gen?: number;
  avg_ts?: number;
}

/** The context settings to give llama-bench so both sides run the same configuration. */
export interface LlamaBenchContext {
  flashAttention: boolean;
  kvKeyType: string;
  kvValueType: string;
  batchSize: number;
}

/** Runs llama.cpp's `llama-bench` (pp512, tg128, 3 repetitions) with our context settings and returns its tok/s. */
export async function runLlamaBench(binary: string, modelPath: string, threads: number, context: LlamaBenchContext, signal?: AbortSignal): Promise<LlamaBenchResult> {
  let stdout: string;
  const settings = ["-fa", context.flashAttention ? "1" : "0", "-ctk", context.kvKeyType.toLowerCase(), "-ctv", context.kvValueType.toLowerCase(), "-ub", String(context.batchSize)];
  try {
    const result = await execa(binary, ["-m", modelPath, "-t", String(threads), "-p", "512", "-n", "128", "-r", "3", ...settings, "-o", "json"], {
      cancelSignal: signal,
      env: { OMP_NUM_THREADS: String(threads) },
    });
    stdout = result.stdout;
  } catch (err) {
    throw new UsageError(`llama-bench failed: ${err instanceof Error ? (err.message.split("\n")[0] ?? "") : String(err)}`);
  }
  let rows: LlamaBenchRow[];
  try {
    rows = JSON.parse(stdout) as LlamaBenchRow[];
  } catch {
    throw new UsageError("llama-bench printed no JSON (is it llama.cpp's llama-bench?)");
  }
  const pp = rows.find((r) => (r.n_prompt ?? 0) > 0 && (r.n_gen ?? 0) === 0);
  const tg = rows.find((r) => (r.n_gen ?? 0) > 0 && (r.n_prompt ?? 0) === 0);
  return { pp512: Math.round((pp?.avg_ts ?? 0) * 10) / 10, tg128: Math.round((tg?.avg_ts ?? 0) * 10) / 10 };
}
