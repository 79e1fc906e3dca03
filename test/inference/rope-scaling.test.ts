import { describe, expect, it } from "vitest";
import { ensureFixtureModel } from "../../fixtures/index.js";
import { LocalEngine } from "../../src/inference/engine.js";
import { collect, tempCacheEnv } from "./helpers.js";

describe("a context longer than the trained one", () => {
  it("loads with YaRN rope scaling (tiny-random is trained on 8192 tokens) and still generates", async () => {
    const engine = await LocalEngine.open({ modelPath: ensureFixtureModel("tiny-random"), contextSize: 16384, threads: 1, env: tempCacheEnv() });
    try {
      expect(engine.plan.contextSize).toBe(16384);
      expect(engine.plan.ropeScaling).toEqual({ type: "yarn", factor: 2, originalContext: 8192 });
      const out = await collect(engine, { prompt: engine.tokenize("hello there"), maxTokens: 4, draftSource: null });
      expect(out.stats.outputTokens).toBeGreaterThan(0);
    } finally {
      await engine.dispose();
    }
  });

  it("refuses more than 4x the trained context, with the reason", async () => {
    await expect(LocalEngine.open({ modelPath: ensureFixtureModel("tiny-random"), contextSize: 40000, threads: 1, env: tempCacheEnv() })).rejects.toThrow(
      /--context 40000 is too long: the model was trained on 8192 tokens and YaRN rope scaling stretches that 4× at most \(32768\)/,
    );
  });
});
