import { describe, expect, it } from "vitest";
import type { MachineFacts } from "../../src/inference/machine.js";
import type { ModelFacts } from "../../src/inference/model-facts.js";
import { kvCacheBytes, planWafer, ropeOverrides } from "../../src/inference/wafer-plan.js";

const qwen05b: ModelFacts = {
  path: "m.gguf",
  architecture: "qwen2",
  name: "q",
  contextLength: 32768,
  nEmbd: 896,
  nLayer: 24,
  nHead: 14,
  nHeadKv: 2,
  headSize: 64,
  fileSizeBytes: 531_000_000,
  quantization: "Q8_0",
};
const laptop: MachineFacts = { cores: 8, totalRamBytes: 16 * 2 ** 30, freeRamBytes: 12 * 2 ** 30, gpu: false, totalVramBytes: 0, freeVramBytes: 0 };
const gpuBox: MachineFacts = { ...laptop, gpu: "cuda", totalVramBytes: 24 * 2 ** 30, freeVramBytes: 23 * 2 ** 30 };

describe("planWafer", () => {
  it("caps the context at the model's maximum and allocates it all", () => {
    const plan = planWafer(qwen05b, laptop);
    expect(plan.contextSize).toBe(32768);
    expect(plan.useMmap).toBe(false);
    expect(plan.kvKeyType).toBe("Q8_0");
    expect(plan.kvCacheBytes).toBe(kvCacheBytes(qwen05b, 32768, "Q8_0", plan.kvValueType));
    expect(plan.gpuLayers).toBe(0);
  });

  it("turns flash attention off on a CPU (slower there), so V is f16 and the score buffer is counted", () => {
    const plan = planWafer(qwen05b, laptop, { contextSize: 131072 });
    expect(plan.flashAttention).toBe(false);
    expect(plan.kvValueType).toBe("F16");
    expect(plan.batchSize).toBe(128);
    expect(plan.computeBytes).toBeGreaterThan(14 * 128 * 32768 * 4);
    expect(plan.notes.join(" ")).toMatch(/flash attention off on a CPU/);
    const forced = planWafer(qwen05b, laptop, { flashAttention: true });
    expect([forced.flashAttention, forced.kvKeyType, forced.kvValueType]).toEqual([true, "Q8_0", "Q8_0"]);
  });

  it("uses flash attention and a q8_0 K and V cache on a GPU", () => {
    const plan = planWafer(qwen05b, gpuBox);
    expect([plan.flashAttention, plan.kvKeyType, plan.kvValueType]).toEqual([true, "Q8_0", "Q8_0"]);
  });

  it("stretches the trained context with YaRN up to 4x when asked, says so, and refuses beyond", () => {
    const plan = planWafer(qwen05b, laptop, { contextSize: 131072 });
    expect(plan.contextSize).toBe(131072);
    expect(plan.ropeScaling).toEqual({ type: "yarn", factor: 4, originalContext: 32768 });
    expect(plan.notes.join(" ")).toMatch(/YaRN rope scaling ×4: context 131072 over the model's trained 32768/);
    expect(ropeOverrides("qwen2", plan.ropeScaling)).toEqual({ qwen2: { rope: { scaling: { type: "yarn", factor: 4 + 1e-6, original_context_length: 32768 } } } });
    expect(planWafer(qwen05b, laptop, { contextSize: 49152 }).ropeScaling?.factor).toBe(1.5);
    expect(planWafer(qwen05b, laptop).ropeScaling).toBeUndefined();
    expect(ropeOverrides("qwen2", undefined)).toBeUndefined();
    const small = { ...qwen05b, contextLength: 8192 };
    expect(() => planWafer(small, laptop, { contextSize: 65536 })).toThrow(/--context 65536 is too long: the model was trained on 8192 tokens and YaRN rope scaling stretches that 4× at most \(32768\)/);
  });

  it("never exceeds 128k even when the model allows more", () => {
    expect(planWafer({ ...qwen05b, contextLength: 1_000_000 }, laptop).contextSize).toBe(131072);
    expect(planWafer(qwen05b, laptop, { contextSize: 8192 }).contextSize).toBe(8192);
  });

  it("puts every layer on the GPU when there is one", () => {
    const plan = planWafer(qwen05b, gpuBox);
    expect(plan.gpuLayers).toBe("max");
    expect(plan.memory).toBe("VRAM");
    expect(plan.batchSize).toBeGreaterThan(512);
  });

  it("falls back to an f16 KV cache when the head size is not a multiple of 32, and says why", () => {
    const plan = planWafer({ ...qwen05b, headSize: 80 }, gpuBox);
    expect(plan.kvKeyType).toBe("F16");
    expect(plan.kvValueType).toBe("F16");
    expect(plan.notes.join(" ")).toMatch(/head size 80/);
  });

  it("falls back to f16 without flash attention", () => {
    const plan = planWafer(qwen05b, gpuBox, { flashAttentionSupported: false });
    expect(plan.kvValueType).toBe("F16");
    expect(plan.flashAttention).toBe(false);
  });

  it("refuses a plan that does not fit, naming the GiB and what to lower", () => {
    const tiny: MachineFacts = { ...laptop, freeRamBytes: 1 * 2 ** 30 };
    expect(() => planWafer({ ...qwen05b, contextLength: 131072 }, tiny)).toThrow(/needs [\d.]+ GiB.*lower --context to \d+/);
    try {
      planWafer({ ...qwen05b, contextLength: 131072 }, tiny);
    } catch (err) {
      expect((err as { exitCode: number }).exitCode).toBe(3);
    }
  });
});
