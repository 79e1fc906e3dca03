import { runLlamaBenchDepths } from "./llama-bench.js";

/** One flash-attention / KV-cache choice and llama-bench's decode tok/s at each depth. */
export interface KvSweepRow {
  flashAttention: boolean;
  kvKeyType: string;
  kvValueType: string;
  tgAtDepth: Record<number, number>;
}

/**
 * The choices a CPU plan can make (a quantized V cache needs flash attention; q8_0 needs a head
 * size divisible by 32), each run through llama-bench's `tg -d` at the given depths with the
 * plan's threads and batch, so the plan's choice can be checked where a context is actually used.
 */
export async function sweepKvChoices(
  binary: string,
  modelPath: string,
  plan: { threads: number; batchSize: number },
  headSize: number,
  depths: readonly number[],
  signal: AbortSignal | undefined,
  say: (line: string) => void,
): Promise<KvSweepRow[]> {
  const q8 = headSize % 32 === 0;
  const choices: [boolean, string, string][] = [
    [false, "F16", "F16"],
    [true, "F16", "F16"],
    ...(q8 ? ([[false, "Q8_0", "F16"], [true, "Q8_0", "Q8_0"]] as [boolean, string, string][]) : []),
  ];
  const rows: KvSweepRow[] = [];
  for (const [flashAttention, kvKeyType, kvValueType] of choices) {
    const tgAtDepth = await runLlamaBenchDepths(binary, modelPath, plan.threads, { flashAttention, kvKeyType, kvValueType, batchSize: plan.batchSize }, depths, 64, 1, signal);
    rows.push({ flashAttention, kvKeyType, kvValueType, tgAtDepth });
    say(`flash attention ${flashAttention ? "on " : "off"}, K ${kvKeyType.toLowerCase()}, V ${kvValueType.toLowerCase()}: ${depths.map((d) => `${tgAtDepth[d]} tok/s at ${d}`).join(", ")}`);
  }
  for (const d of depths) {
    const best = [...rows].sort((a, b) => (b.tgAtDepth[d] ?? 0) - (a.tgAtDepth[d] ?? 0))[0];
    if (best) say(`fastest at depth ${d}: flash attention ${best.flashAttention ? "on" : "off"}, K/V ${best.kvKeyType.toLowerCase()}/${best.kvValueType.toLowerCase()}`);
  }
  return rows;
}
