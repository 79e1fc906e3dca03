import type { Command } from "commander";
import { ensureFixtureModel } from "../../../fixtures/index.js";
import { UsageError } from "../../errors.js";
import { measureDecode, runBench } from "../../bench/bench-run.js";
import { compareDecodeAtDepths, decodeAtDepthOf, DEFAULT_DEPTHS, measureDecodeAtDepths } from "../../bench/depth-decode.js";
import { sweepKvChoices, type KvSweepRow } from "../../bench/kv-sweep.js";
import { compareDecode, runLlamaBench, runLlamaBenchDepths } from "../../bench/llama-bench.js";
import { describePlan, gib } from "../../inference/index.js";
import { LocalEngine } from "../../inference/runtime.js";
import { resolveModel } from "../../models/index.js";
import { positiveInt } from "../common-options.js";
import type { CliContext } from "../context.js";

interface BenchFlags {
  json?: boolean;
  full?: boolean;
  model?: string;
  context?: number;
  threads?: number;
  compareLlamaBench?: string;
  depths?: number[];
  depthRounds?: number;
  kvSweep?: boolean;
}

function depthList(value: string): number[] {
  const depths = value.split(",").map((v) => Number(v.trim()));
  if (depths.some((d) => !Number.isInteger(d) || d < 0)) throw new UsageError(`--depths wants token counts like 0,4096,16384 (got ${value})`);
  return depths;
}

/** `--full`: one cold prefill up to the whole 128k context (less what the TTFT tail needs). */
const FULL_SIZES = [512, 4096, 8192, 16384, 32768, 65536, 131072 - 512];

/** `spark bench`: measures this machine on the resolved model (default: the generated 0.5B-shape model). */
export function registerBench(program: Command, ctx: CliContext): void {
  program
    .command("bench")
    .description("measure this machine: prefill, decode, speculation, warm/cold TTFT")
    .option("--json", "print one JSON object as the last line")
    .option("--full", "prefill up to 128k tokens")
    .option("--model <uri>", "model to measure (default: generated Qwen2.5-Coder-0.5B-shape Q8_0)")
    .option("--context <n>", "context size (default: the wafer plan's)", positiveInt)
    .option("--threads <n>", "threads (default: tuned)", positiveInt)
    .option("--compare-llama-bench <path>", "also run llama.cpp's llama-bench on the same file and threads")
    .option("--depths <list>", "context depths to decode at (default 0,4096,16384)", depthList)
    .option("--depth-rounds <n>", "with --compare-llama-bench: rounds of theirs between ours at each depth (default 2)", positiveInt)
    .option("--kv-sweep", "with --compare-llama-bench: llama-bench's decode at each depth for each flash-attention and KV-cache choice")
    .action(async (flags: BenchFlags) => {
      const log = (line: string): void => void ctx.stderr.write(`${line}\n`);
      let modelPath: string;
      let modelName: string;
      if (flags.model) {
        const resolved = await resolveModel(flags.model, { cwd: ctx.cwd, signal: ctx.signal, env: ctx.env });
        modelPath = resolved.path;
        modelName = flags.model;
      } else {
        log("bench model: generated Qwen2.5-Coder-0.5B shape, Q8_0 (generated once, then cached)");
        modelPath = ensureFixtureModel("qwen05b-q8_0", ctx.env);
        modelName = "qwen2.5-coder-0.5b-shape-q8_0 (generated)";
      }
      const loadStarted = performance.now();
      const engine = await LocalEngine.open({ modelPath, contextSize: flags.context, threads: flags.threads, env: ctx.env });
      try {
        log(`model: ${modelName} (${engine.facts.quantization}, ${gib(engine.facts.fileSizeBytes)}), loaded in ${Math.round(performance.now() - loadStarted)} ms`);
        for (const line of describePlan(engine.plan)) log(`  ${line}`);
        const result = await runBench(engine, { prefillSizes: flags.full ? FULL_SIZES : undefined, onStep: (l) => log(`  ${l}`), signal: ctx.signal });
        const depths = (flags.depths ?? [...DEFAULT_DEPTHS]).filter((d) => {
          if (d + 512 <= engine.plan.contextSize) return true;
          log(`  decode at depth ${d}: skipped (context ${engine.plan.contextSize})`);
          return false;
        });
        let decodeAtDepth: Record<number, number>;
        let depthComparison: Record<string, unknown> = {};
        let comparison: Record<string, number> = {};
        if (flags.compareLlamaBench) {
          log("running llama-bench on the same model and threads…");
          const bin = flags.compareLlamaBench;
          const theirPrefill = await runLlamaBench(bin, modelPath, engine.plan.threads, engine.plan, { prompt: 512, gen: 0, repetitions: 3 }, ctx.signal);
          const decode = await compareDecode(
            () => measureDecode(engine, 128, ctx.signal),
            async () => (await runLlamaBench(bin, modelPath, engine.plan.threads, engine.plan, { prompt: 0, gen: 128, repetitions: 2 }, ctx.signal)).tg128,
          );
          const ours512 = result.prefill["512"] ?? 0;
          comparison = {
            llamaBenchPp512: theirPrefill.pp512,
            llamaBenchTg128: round2(mean(decode.theirs)),
            decodeBesideLlamaBench: round2(mean(decode.ours)),
            prefillRatio: theirPrefill.pp512 > 0 ? round2(ours512 / theirPrefill.pp512) : 0,
            decodeRatio: round2(decode.ratio),
          };
          log(`  llama-bench: pp512 ${theirPrefill.pp512} tok/s; tg128 ${decode.theirs.join(" / ")} tok/s, ours around each ${decode.ours.join(" / ")} tok/s`);
          log(`  ours/theirs: prefill ${comparison.prefillRatio}×, decode ${comparison.decodeRatio}× (median of ${decode.ratios.map((r) => round2(r)).join(", ")})`);
          const rounds = flags.depthRounds ?? 2;
          log(`decode at depths ${depths.join(", ")}: ours and llama-bench tg128 -d (same settings) alternating, ${rounds} rounds of theirs between ours…`);
          const theirs = async (d: number): Promise<number> => (await runLlamaBenchDepths(bin, modelPath, engine.plan.threads, engine.plan, [d], 128, 1, ctx.signal))[d] ?? 0;
          const atDepths = await compareDecodeAtDepths(decodeAtDepthOf(engine, Math.max(0, ...depths), 128, ctx.signal), theirs, depths, rounds);
          for (const d of depths) {
            log(`  depth ${d}: ours ${atDepths.ours[d]?.join(" / ")} tok/s, llama-bench ${atDepths.theirRuns[d]?.join(" / ")} tok/s: ${atDepths.ratio[d]}× (rounds ${atDepths.ratios[d]?.join(", ")})`);
          }
          decodeAtDepth = Object.fromEntries(depths.map((d) => [d, round2(mean(atDepths.ours[d] ?? []))]));
          depthComparison = { llamaBenchAtDepth: atDepths.theirs, decodeRatioAtDepth: atDepths.ratio, decodeRatiosAtDepth: atDepths.ratios };
        } else {
          decodeAtDepth = await measureDecodeAtDepths(engine, depths, 128, ctx.signal);
          for (const d of depths) log(`  decode at depth ${d}: ${decodeAtDepth[d]} tok/s`);
        }
        let kvSweep: KvSweepRow[] | undefined;
        if (flags.kvSweep) {
          if (!flags.compareLlamaBench) throw new UsageError("--kv-sweep runs llama-bench: give --compare-llama-bench PATH");
          log(`llama-bench decode at depths ${depths.join(", ")} for each flash-attention / KV-cache choice…`);
          kvSweep = await sweepKvChoices(flags.compareLlamaBench, modelPath, engine.plan, engine.facts.headSize, depths, ctx.signal, (l) => log(`  ${l}`));
        }
        const summary = { model: modelName, ...result, decodeAtDepth, ...comparison, ...depthComparison, ...(kvSweep ? { kvSweep } : {}), restoredVsColdTtft: result.coldTtftMs > 0 ? Math.round((result.restoredTtftMs / result.coldTtftMs) * 10000) / 10000 : 0 };
        if (flags.json) ctx.stdout.write(`${JSON.stringify(summary)}\n`);
        else {
          ctx.stdout.write(
            [
              `prefill   ${Object.entries(result.prefill).map(([n, tps]) => `${n}: ${tps} tok/s`).join(", ")}`,
              `decode    ${result.decodeTps} tok/s (threads ${result.threads}); at depth ${depths.map((d) => `${d}: ${decodeAtDepth[d]}`).join(", ")} tok/s`,
              `spec edit ${result.specTps} tok/s vs ${result.plainEditTps} plain: ${result.specSpeedup}× (identical output: ${result.outputIdentical})`,
              `TTFT      cold ${result.coldTtftMs} ms, warm ${result.warmTtftMs} ms, restored ${result.restoredTtftMs} ms`,
              `context   ${result.contextSize} tokens, KV ${result.kvCacheType} ${gib(result.contextMemoryBytes)}`,
            ].join("\n") + "\n",
          );
        }
        if (!result.outputIdentical) throw new UsageError("speculative output differed from plain decoding (bug)");
      } finally {
        await engine.dispose();
      }
    });
}

function mean(values: readonly number[]): number {
  return values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : 0;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
