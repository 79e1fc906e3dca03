import type { Token } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalEngine } from "../../src/inference/engine.js";
import { collect, ids, openSuccessor } from "./helpers.js";

let engine: LocalEngine;
beforeAll(async () => {
  engine = await openSuccessor();
});
afterAll(async () => {
  await engine.dispose();
});

/** A prompt that contains the successor chain, so the output copies it. */
function copyPrompt(length: number): Token[] {
  // Every token id in order (the byte vocab has 259), so whatever comes next is in the prompt.
  const chain = Array.from({ length }, (_, i) => i % 259);
  return ids([...chain, 10, 32]);
}

describe("LocalEngine on the successor model", () => {
  it("streams the exact greedy continuation and stats", async () => {
    const { text, stats } = await collect(engine, { prompt: engine.tokenize("xyz abc"), maxTokens: 8, draftSource: null });
    expect(text).toBe("defghijk");
    expect(stats.outputTokens).toBe(8);
    expect(stats.promptTokens).toBe(7);
    expect(stats.ttftMs).toBeGreaterThan(0);
  });

  it("drafts along SEARCH/REPLACE blocks when told the answer writes them (editBlocks), same output", async () => {
    const file = "const a = 1;\nlet b = 2;\nreturn a + b;\n";
    const prompt = engine.tokenize(`Rules.\n\nsrc/x.ts\n\`\`\`\n${file}\`\`\`\n\nTask: change b.\n`);
    const answer = "src/x.ts\n<<<<<<< SEARCH\nlet b = 2;\nreturn a + b;\n=======\nlet b = 3;\nreturn a + b;\n>>>>>>> REPLACE\n";
    const target = engine.tokenize(answer);
    const request = { prompt, target, maxTokens: target.length, stepCost: { alphaMs: 10, betaMs: 0.2 }, restore: false, persist: false };
    await engine.clearSequence();
    const plain = await collect(engine, request);
    await engine.clearSequence();
    const blocks = await collect(engine, { ...request, editBlocks: true });
    expect(plain.text).toBe(answer);
    expect(blocks.text).toBe(answer);
    // The marker lines (31 tokens on the byte vocabulary) are nowhere in the prompt.
    expect(blocks.stats.draftAccepted).toBeGreaterThanOrEqual(plain.stats.draftAccepted + 20);
  });

  it("speculation from the prompt: ≥ 90% of output tokens come from accepted drafts, same output", async () => {
    const prompt = copyPrompt(600);
    const plain = await collect(engine, { prompt, maxTokens: 300, draftSource: null, ignoreEog: true });
    await engine.clearSequence();
    // At a GPU-like price (a drafted token ~2% of a step), so the counts do not depend on this machine's load.
    const fast = await collect(engine, { prompt, maxTokens: 300, ignoreEog: true, stepCost: { alphaMs: 10, betaMs: 0.2 } });
    expect(fast.text).toBe(plain.text);
    expect(fast.stats.outputTokens).toBe(300);
    expect(plain.stats.draftAccepted).toBe(0);
    expect(fast.stats.draftAccepted).toBeGreaterThanOrEqual(0.9 * fast.stats.outputTokens);
  });

  it("reuses the cached prefix of the previous request", async () => {
    await engine.clearSequence();
    const base = engine.tokenize("The repository prefix that stays the same between turns. ".repeat(8));
    const first = await collect(engine, { prompt: [...base, ...engine.tokenize("first task: a")], maxTokens: 4 });
    expect(first.stats.cachedTokens).toBe(0);
    const second = await collect(engine, { prompt: [...base, ...engine.tokenize("second task: a")], maxTokens: 4 });
    expect(second.stats.cachedTokens).toBeGreaterThanOrEqual(base.length);
    expect(second.text).toBe("bcde");
  });

  it("forces exact text with a grammar and ends when the grammar is complete", async () => {
    const wanted = 'edit "x.ts"\n  line two\\n\n';
    const { text } = await collect(engine, { prompt: engine.tokenize("hi"), grammar: `root ::= ${JSON.stringify(wanted).replace(/\\\\/g, "\\\\")}`, maxTokens: 200 });
    expect(text).toBe(wanted);
  });

  it("stops before a stop string", async () => {
    const { text } = await collect(engine, { prompt: engine.tokenize("a"), stop: ["fg"], maxTokens: 20 });
    expect(text).toBe("bcde");
  });

  it("aborts within a token when the signal fires", async () => {
    const controller = new AbortController();
    let pieces = 0;
    await expect(
      (async () => {
        for await (const ev of engine.generate({ prompt: copyPrompt(50), maxTokens: 1000, draftSource: null, ignoreEog: true, signal: controller.signal })) {
          if (ev.type === "text" && ++pieces === 3) controller.abort();
        }
      })(),
    ).rejects.toMatchObject({ name: "AbortError" });
    expect(pieces).toBe(3);
  });
});

describe("batch timing", () => {
  it("times each size at the prompt's depth and leaves the sequence holding the prompt", async () => {
    const prompt = copyPrompt(300);
    const timings = await engine.timeBatches(prompt, ids([1, 2, 3, 4, 5]), [1, 2, 8], 2);
    expect(timings.map((t) => t.batch)).toEqual([1, 2, 8, 1, 2, 8]);
    expect(timings.every((t) => t.ms > 0)).toBe(true);
    expect(engine.sequenceTokens()).toEqual(prompt.slice(0, -1));
  });
});
