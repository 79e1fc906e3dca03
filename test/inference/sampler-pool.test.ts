import type { Llama, LlamaModel, Token } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureFixtureModel } from "../../fixtures/index.js";
import type { LocalEngine } from "../../src/inference/engine.js";
import { llamaRuntime } from "../../src/inference/llama-runtime.js";
import { drainSamplerPool, installSamplerPool, samplerPoolStats } from "../../src/inference/sampler-pool.js";
import { collect, openSuccessor } from "./helpers.js";

let engine: LocalEngine;
beforeAll(async () => {
  engine = await openSuccessor();
});
afterAll(async () => {
  await engine.dispose();
});

describe("sampler pool", () => {
  it("is installed on the runtime and reuses samplers across decode steps", async () => {
    const before = samplerPoolStats(engine.llama);
    expect(before).toBeDefined();
    const a = await collect(engine, { prompt: engine.tokenize("xyz abc"), maxTokens: 8, draftSource: null });
    const after = samplerPoolStats(engine.llama);
    expect(a.text).toBe("defghijk");
    // One step per token; all but possibly the first take a released sampler.
    expect((after?.reused ?? 0) - (before?.reused ?? 0)).toBeGreaterThanOrEqual(7);
    expect(installSamplerPool(engine.llama)).toBe(true); // a second install changes nothing
    expect(samplerPoolStats(engine.llama)).toEqual(after);
  });

  it("a sampler used under a grammar carries no grammar into the next request", async () => {
    const forced = await collect(engine, { prompt: engine.tokenize("xyz abc"), maxTokens: 20, grammar: 'root ::= "QQQ"', draftSource: null });
    expect(forced.text).toBe("QQQ");
    const plain = await collect(engine, { prompt: engine.tokenize("xyz abc"), maxTokens: 4, draftSource: null });
    expect(plain.text).toBe("defg");
  });

  it("leaves a binding it does not recognise alone", () => {
    expect(installSamplerPool({} as Llama)).toBe(false);
    expect(samplerPoolStats({} as Llama)).toBeUndefined();
  });
});

describe("sampler pool with a random model", () => {
  let llama: Llama;
  let model: LlamaModel;
  beforeAll(async () => {
    llama = await llamaRuntime();
    model = await llama.loadModel({ modelPath: ensureFixtureModel("tiny-random"), gpuLayers: 0 });
  });
  afterAll(async () => {
    drainSamplerPool(llama, model);
    await model.dispose();
  });

  it("a seeded sampling run is the same on a reused sampler (its random generator starts afresh)", async () => {
    const context = await model.createContext({ contextSize: 256, threads: { ideal: 1, min: 1 } });
    const sequence = context.getSequence();
    const run = async (): Promise<Token[]> => {
      await sequence.clearHistory();
      const out: Token[] = [];
      for await (const token of sequence.evaluate(model.tokenize("hello"), { temperature: 1.5, seed: 7, yieldEogToken: true })) {
        out.push(token);
        if (out.length >= 24) break;
      }
      return out;
    };
    const first = await run();
    const reusedBefore = samplerPoolStats(llama)?.reused ?? 0;
    const second = await run();
    expect(samplerPoolStats(llama)?.reused ?? 0).toBeGreaterThan(reusedBefore);
    expect(second).toEqual(first);
    await context.dispose();
  });
});
