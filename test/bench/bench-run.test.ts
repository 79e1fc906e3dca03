import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBench } from "../../src/bench/bench-run.js";
import type { LocalEngine } from "../../src/inference/index.js";
import { openSuccessor } from "../inference/helpers.js";

let engine: LocalEngine;
beforeAll(async () => {
  engine = await openSuccessor({ contextSize: 4096 });
});
afterAll(async () => {
  await engine.dispose();
});

describe("runBench", () => {
  it("reads every prefill size off one cold prefill and reports TTFT cold / warm / restored", async () => {
    const steps: string[] = [];
    const r = await runBench(engine, { prefillSizes: [512, 1024, 9999], ttftPrefix: 1536, decodeTokens: 16, editTokens: 64, onStep: (l) => steps.push(l) });
    expect(Object.keys(r.prefill).sort()).toEqual(["1024", "512"]);
    expect(steps.join("\n")).toMatch(/prefill 9999: skipped/);
    expect(r.prefill["512"]).toBeGreaterThan(0);
    expect(r.prefillTps).toBeGreaterThan(0);
    expect(r.decodeTps).toBeGreaterThan(0);
    expect(r.outputIdentical).toBe(true);
    // Three rounds of the copy edit, plain and speculative in alternating order; the median ratio.
    const ratios = /median of ([\d.]+), ([\d.]+), ([\d.]+);/.exec(steps.join("\n"))?.slice(1).map(Number) ?? [];
    expect(ratios).toHaveLength(3);
    expect(r.specSpeedup).toBe([...ratios].sort((a, b) => a - b)[1]);
    expect(r.draftAccepted).toBeGreaterThan(0);
    expect(r.coldTtftMs).toBeGreaterThan(r.warmTtftMs);
    // Restored from the state the cold run saved (1,536 tokens ≥ the 1,024-token persist threshold).
    expect(r.restoredTtftMs).toBeGreaterThan(0);
    expect(r.restoredTtftMs).toBeLessThan(r.coldTtftMs);
    expect(r.threads).toBe(1);
  });
});
