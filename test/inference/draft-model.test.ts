import type { Token } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureFixtureModel } from "../../fixtures/index.js";
import type { LocalEngine } from "../../src/inference/engine.js";
import { collect, openSuccessor } from "./helpers.js";

let engine: LocalEngine;
beforeAll(async () => {
  // The successor model drafting for itself: every draft is right, which isolates the bookkeeping.
  engine = await openSuccessor({ draftModelPath: ensureFixtureModel("successor") });
});
afterAll(async () => {
  await engine.dispose();
});

describe("draft-model speculation", () => {
  it("accepts a correct draft model's tokens and gives the same output as plain decoding", async () => {
    const prompt = engine.tokenize("xyz a") as Token[];
    const plain = await collect(engine, { prompt, maxTokens: 40, draftSource: null, ignoreEog: true });
    await engine.clearSequence();
    // At a GPU-like price (a drafted token ~2% of a step) drafting pays from the first step.
    const drafted = await collect(engine, { prompt, maxTokens: 40, drafter: "draft-model", ignoreEog: true, stepCost: { alphaMs: 10, betaMs: 0.2 } });
    expect(drafted.text).toBe(plain.text);
    expect(drafted.stats.draftAccepted).toBeGreaterThanOrEqual(0.75 * drafted.stats.outputTokens);
    expect(drafted.stats.draftAccepted).toBe(drafted.stats.draftProposed);
  });
});
