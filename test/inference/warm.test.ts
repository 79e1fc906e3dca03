/**
 * Background warming on the successor fixture: a warmed prefix is cached for the next request,
 * and a generation that arrives meanwhile waits at most one warm chunk.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatMessage, GenerationStats } from "../../src/inference/backend.js";
import type { LocalEngine } from "../../src/inference/engine.js";
import { LocalBackend } from "../../src/inference/local-backend.js";
import { collect, openSuccessor } from "./helpers.js";

let engine: LocalEngine;
beforeAll(async () => {
  engine = await openSuccessor({ sequences: 2 });
});
afterAll(async () => {
  await engine.dispose();
});

const system: ChatMessage = { role: "system", content: "You are a test." };
const repo = "export function alpha(value: number): number { return value + 1; }\n".repeat(12);

describe("warming", () => {
  it("after warm(), the next generate's prompt finds the warmed prefix cached", async () => {
    const backend = new LocalBackend(engine, "successor", {});
    const warmed = await backend.warm({ messages: [system, { role: "user", content: repo }] });
    expect(warmed.complete).toBe(true);
    expect(warmed.cachedTokens).toBe(warmed.promptTokens);
    expect(warmed.promptTokens).toBeGreaterThan(repo.length);
    let stats: GenerationStats | undefined;
    for await (const c of backend.generate({ messages: [system, { role: "user", content: `${repo}# Task\nadd one` }], maxTokens: 4 })) {
      if (c.type === "stats") stats = c.stats;
    }
    expect(stats?.cachedTokens).toBeGreaterThanOrEqual(warmed.promptTokens);
    // Warming the same prefix again leaves the conversation after it in place.
    const held = engine.sequenceTokens(0).length;
    const again = await backend.warm({ messages: [system, { role: "user", content: repo }] });
    expect(again.complete).toBe(true);
    expect(engine.sequenceTokens(0).length).toBe(held);
  });

  it("a generate arriving during warming waits at most one warm chunk", async () => {
    await engine.clearSequence(1);
    const prompt = engine.tokenize("warm me ".repeat(200));
    let chunks = 0;
    let chunksAfterGenerate = -1;
    let generation: Promise<{ text: string; stats: GenerationStats }> | undefined;
    const warm = engine.warm({
      prompt,
      sequence: 1,
      chunk: 64,
      onChunk: () => {
        chunks++;
        if (chunksAfterGenerate >= 0) chunksAfterGenerate++;
        if (generation === undefined) {
          chunksAfterGenerate = 0;
          generation = collect(engine, { prompt: engine.tokenize("xyz abc"), maxTokens: 4, sequence: 1, draftSource: null });
        }
      },
    });
    const result = await warm;
    const answer = await generation;
    expect(answer?.text).toBe("defg");
    expect(chunksAfterGenerate).toBeLessThanOrEqual(1);
    expect(result.complete).toBe(false);
    expect(result.cachedTokens).toBeLessThanOrEqual(2 * 64);
    expect(chunks).toBeLessThan(prompt.length / 64);
  });

  it("a warm stopped before its first chunk leaves the sequence's conversation in place", async () => {
    await collect(engine, { prompt: engine.tokenize("xyz abc"), maxTokens: 4, sequence: 0, draftSource: null });
    const held = [...engine.sequenceTokens(0)];
    const controller = new AbortController();
    controller.abort();
    const result = await engine.warm({ prompt: engine.tokenize("xyz other prefix"), sequence: 0, signal: controller.signal });
    expect(result.complete).toBe(false);
    expect(result.cachedTokens).toBe(engine.tokenize("xyz ").length);
    expect([...engine.sequenceTokens(0)]).toEqual(held);
  });

  it("a warm waits while another sequence generates, then completes", async () => {
    await engine.clearSequence(1);
    const order: string[] = [];
    const gen = engine.generate({ prompt: engine.tokenize("xyz abc"), maxTokens: 30, sequence: 0, draftSource: null, ignoreEog: true });
    const first = await gen.next();
    expect(first.done).toBe(false);
    const warm = engine.warm({ prompt: engine.tokenize("other repo ".repeat(20)), sequence: 1, chunk: 32, onChunk: () => order.push("warm") }).then((r) => {
      order.push("warm done");
      return r;
    });
    for await (const _ of gen) order.push("gen");
    order.push("gen done");
    const result = await warm;
    expect(result.complete).toBe(true);
    expect(order.indexOf("warm")).toBeGreaterThan(order.indexOf("gen done"));
  });
});
