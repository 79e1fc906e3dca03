import { describe, expect, it } from "vitest";
import { kvCacheBytes, planWafer, type MachineFacts, type ModelFacts } from "../../src/inference/index.js";

const qwen15b: ModelFacts = {
  path: "m.gguf",
  architecture: "qwen2",
  name: "q",
  contextLength: 32768,
  nEmbd: 1536,
  nLayer: 28,
  nHead: 12,
  nHeadKv: 2,
  headSize: 128,
  fileSizeBytes: 1_890_000_000,
  quantization: "Q8_0",
};
const machine = (freeGiB: number): MachineFacts => ({ cores: 8, totalRamBytes: 16 * 2 ** 30, freeRamBytes: freeGiB * 2 ** 30, gpu: false, totalVramBytes: 0, freeVramBytes: 0 });

describe("the wafer plan for spark serve's sequences", () => {
  it("each sequence gets the whole context: KV memory grows with the sequence count", () => {
    const one = planWafer(qwen15b, machine(12), { contextSize: 32768 });
    const four = planWafer(qwen15b, machine(12), { contextSize: 32768, sequences: 4 });
    expect(one.sequences).toBe(1);
    expect(four).toMatchObject({ sequences: 4, contextSize: 32768, kvCacheBytes: 4 * kvCacheBytes(qwen15b, 32768, one.kvKeyType, one.kvValueType) });
    expect(four.totalBytes - one.totalBytes).toBe(3 * one.kvCacheBytes);
  });

  it("refuses sequences that do not fit, saying to lower --context or --sequences", () => {
    expect(() => planWafer(qwen15b, machine(4), { contextSize: 32768 })).not.toThrow();
    expect(() => planWafer(qwen15b, machine(4), { contextSize: 32768, sequences: 4 })).toThrow(/4 sequences of a 32768-token context needs .*lower --context to \d+ or --sequences/);
  });
});
