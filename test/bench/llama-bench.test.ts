import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { compareDecodeAtDepths } from "../../src/bench/depth-decode.js";
import { sweepKvChoices } from "../../src/bench/kv-sweep.js";
import { compareDecode, runLlamaBench, runLlamaBenchDepths } from "../../src/bench/llama-bench.js";

const context = { flashAttention: false, kvKeyType: "Q8_0", kvValueType: "F16", batchSize: 128 };

/** A stand-in llama-bench: records its arguments, prints `output`. */
function fakeLlamaBench(output: string): { binary: string; args: () => string[] } {
  const dir = mkdtempSync(path.join(os.tmpdir(), "spark-llama-bench-"));
  const binary = path.join(dir, "llama-bench");
  const argsFile = path.join(dir, "args.json");
  writeFileSync(binary, `#!/usr/bin/env node\nrequire("fs").writeFileSync(${JSON.stringify(argsFile)}, JSON.stringify(process.argv.slice(2)));\nprocess.stdout.write(${JSON.stringify(output)});\n`);
  chmodSync(binary, 0o755);
  return { binary, args: () => JSON.parse(readFileSync(argsFile, "utf8")) as string[] };
}

describe("runLlamaBench", () => {
  it("runs our context settings and reads pp and tg off its JSON", async () => {
    const fake = fakeLlamaBench(JSON.stringify([{ n_prompt: 0, n_gen: 128, avg_ts: 20.56 }]));
    const result = await runLlamaBench(fake.binary, "/m.gguf", 2, context, { prompt: 0, gen: 128, repetitions: 2 });
    expect(result).toEqual({ pp512: 0, tg128: 20.6 });
    expect(fake.args().join(" ")).toBe("-m /m.gguf -t 2 -p 0 -n 128 -r 2 -fa 0 -ctk q8_0 -ctv f16 -ub 128 -o json");
  });

  it("says so in one line when the binary prints no JSON", async () => {
    const fake = fakeLlamaBench("usage: something else");
    await expect(runLlamaBench(fake.binary, "/m.gguf", 2, context)).rejects.toThrow("llama-bench printed no JSON");
  });
});

describe("runLlamaBenchDepths", () => {
  it("runs tg at each depth with our settings and reads the rate by depth", async () => {
    const rows = [
      { n_prompt: 0, n_gen: 128, n_depth: 0, avg_ts: 45.04 },
      { n_prompt: 0, n_gen: 128, n_depth: 4096, avg_ts: 30.66 },
    ];
    const fake = fakeLlamaBench(JSON.stringify(rows));
    expect(await runLlamaBenchDepths(fake.binary, "/m.gguf", 2, context, [0, 4096, 16384], 128)).toEqual({ 0: 45, 4096: 30.7, 16384: 0 });
    expect(fake.args().join(" ")).toBe("-m /m.gguf -t 2 -p 0 -n 128 -r 1 -d 0,4096,16384 -fa 0 -ctk q8_0 -ctv f16 -ub 128 -o json");
  });
});

describe("sweepKvChoices", () => {
  it("runs every flash-attention / KV choice the model allows and names the fastest per depth", async () => {
    const fake = fakeLlamaBench(JSON.stringify([{ n_prompt: 0, n_gen: 64, n_depth: 4096, avg_ts: 30 }]));
    const lines: string[] = [];
    const rows = await sweepKvChoices(fake.binary, "/m.gguf", { threads: 2, batchSize: 128 }, 64, [4096], undefined, (l) => lines.push(l));
    expect(rows.map((r) => [r.flashAttention, r.kvKeyType, r.kvValueType])).toEqual([
      [false, "F16", "F16"],
      [true, "F16", "F16"],
      [false, "Q8_0", "F16"],
      [true, "Q8_0", "Q8_0"],
    ]);
    expect(fake.args().join(" ")).toBe("-m /m.gguf -t 2 -p 0 -n 64 -r 1 -d 4096 -fa 1 -ctk q8_0 -ctv q8_0 -ub 128 -o json");
    expect(lines.at(-1)).toMatch(/^fastest at depth 4096: flash attention off, K\/V f16\/f16$/);
    // A head size q8_0 cannot hold: only the f16 choices.
    expect(await sweepKvChoices(fake.binary, "/m.gguf", { threads: 2, batchSize: 128 }, 40, [4096], undefined, () => undefined)).toHaveLength(2);
  });
});

describe("compareDecodeAtDepths", () => {
  it("alternates ours and theirs at each depth, ours first and last, and takes the median of the rounds' ratios", async () => {
    const calls: string[] = [];
    const ours: Record<number, number[]> = { 0: [40, 44, 40], 4096: [28, 32, 30] };
    const theirs: Record<number, number[]> = { 0: [42, 21], 4096: [40, 31] };
    const result = await compareDecodeAtDepths(
      async (d) => {
        calls.push(`ours ${d}`);
        return ours[d]?.shift() ?? 0;
      },
      async (d) => {
        calls.push(`theirs ${d}`);
        return theirs[d]?.shift() ?? 0;
      },
      [4096, 0],
    );
    expect(calls).toEqual(["ours 0", "theirs 0", "ours 0", "theirs 0", "ours 0", "ours 4096", "theirs 4096", "ours 4096", "theirs 4096", "ours 4096"]);
    expect(result.ours).toEqual({ 0: [40, 44, 40], 4096: [28, 32, 30] });
    expect(result.theirRuns).toEqual({ 0: [42, 21], 4096: [40, 31] });
    expect(result.ratios).toEqual({ 0: [1, 2], 4096: [0.75, 1] });
    expect(result.ratio).toEqual({ 0: 1.5, 4096: 0.88 });
    expect(result.theirs).toEqual({ 0: 31.5, 4096: 35.5 });
  });
});

describe("compareDecode", () => {
  it("alternates ours and theirs and takes the median of the per-round ratios", async () => {
    const calls: string[] = [];
    const ours = [10, 12, 14, 16];
    const theirs = [11, 13, 30];
    const result = await compareDecode(
      async () => {
        calls.push("ours");
        return ours.shift() ?? 0;
      },
      async () => {
        calls.push("theirs");
        return theirs.shift() ?? 0;
      },
    );
    expect(calls).toEqual(["ours", "theirs", "ours", "theirs", "ours", "theirs", "ours"]);
    expect(result.ratios.map((r) => Math.round(r * 100) / 100)).toEqual([1, 1, 0.5]);
    expect(result.ratio).toBe(1);
  });
});
