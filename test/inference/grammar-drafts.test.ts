import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalEngine } from "../../src/inference/engine.js";
import { exactTextGrammar } from "../../src/inference/forced-reply.js";
import { controlledEvaluateTakesGrammar } from "../../src/inference/grammar-cursor.js";
import { collect, openSuccessor } from "./helpers.js";

let engine: LocalEngine;
beforeAll(async () => {
  engine = await openSuccessor();
});
afterAll(async () => {
  await engine.dispose();
});

/** Code-like text the successor model would never write by itself (it writes "bcdef…"). */
function fileText(lines: number): string {
  return Array.from({ length: lines }, (_, i) => `  const value${i} = compute(${(i * 7919) % 1000}, "key${i % 13}");`).join("\n");
}

describe("drafts under a grammar", () => {
  it("node-llama-cpp carries Spark's patch (grammar state per controlledEvaluate item)", () => {
    expect(controlledEvaluateTakesGrammar()).toBe(true);
  });

  it("a grammar forcing a copy of the prompt accepts nearly every draft, and the text is the copy", async () => {
    const file = fileText(30);
    const prompt = engine.tokenize(`${file}\nRewrite the file above.\n`);
    const { text, stats } = await collect(engine, { prompt, grammar: exactTextGrammar(file), maxTokens: 4000, stepCost: { alphaMs: 10, betaMs: 0.2 } });
    expect(text).toBe(file);
    // The model's own greedy choice is never the file's next byte, so every accepted draft is the
    // grammar-constrained choice (verified as llama.cpp's common_sampler_sample_and_accept_n does).
    expect(stats.draftAccepted).toBeGreaterThanOrEqual(0.9 * stats.outputTokens);
    expect(stats.draftAccepted).toBeGreaterThanOrEqual(0.9 * stats.draftProposed);
  });

  it("a draft the grammar allows but the grammar-constrained greedy choice differs from is rejected", async () => {
    // After "n" the successor model writes "o", then "p"; the prompt says "x" follows "o". The
    // grammar allows both letters (and no "!"), so the draft is "ox", and "x" loses to "p".
    const prompt = engine.tokenize("klmnox!! klmn");
    const { text, stats } = await collect(engine, { prompt, grammar: "root ::= [a-z]+", maxTokens: 6, stepCost: { alphaMs: 10, betaMs: 0.2 } });
    expect(text).toBe("opqrst");
    expect(stats.draftProposed).toBe(2);
    expect(stats.draftAccepted).toBe(1);
  });
});
