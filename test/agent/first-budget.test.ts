import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_PREFILL_TPS, firstAnswerBudget, measuredPrefillTps, MIN_FIRST_BUDGET, recordPrefill } from "../../src/agent/first-budget.js";

describe("the first answer's budget", () => {
  it("follows the measured prefill speed, never below the minimum or the targets, never above the context", () => {
    const base = { contextBudget: 100_000, fixedTokens: 500, seconds: 15 };
    expect(firstAnswerBudget({ ...base, prefillTps: 200 })).toBe(2560); // 200 × 15 − 500 = 2500, in steps of 512
    expect(firstAnswerBudget({ ...base, prefillTps: 2000 })).toBe(29696);
    expect(firstAnswerBudget(base)).toBe(Math.ceil((DEFAULT_PREFILL_TPS * 15 - 500) / 512) * 512);
    expect(firstAnswerBudget({ ...base, prefillTps: 10 })).toBe(MIN_FIRST_BUDGET);
    expect(firstAnswerBudget({ ...base, prefillTps: 10, targetTokens: 5000 })).toBeGreaterThanOrEqual(5000 * 1.15);
    expect(firstAnswerBudget({ ...base, prefillTps: 200, cachedTokens: 50_000 })).toBe(52736);
    expect(firstAnswerBudget({ ...base, contextBudget: 3000, prefillTps: 10_000 })).toBe(3000);
  });

  it("remembers a prefill speed per model once a request evaluated enough tokens, and ignores small changes", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "spark-speed-"));
    expect(await measuredPrefillTps(dir, "m")).toBeUndefined();
    await recordPrefill(dir, "m", { promptTokens: 300, cachedTokens: 0, prefillTps: 50 });
    expect(await measuredPrefillTps(dir, "m")).toBeUndefined(); // too few tokens to tell
    await recordPrefill(dir, "m", { promptTokens: 3000, cachedTokens: 0, prefillTps: 150 });
    expect(await measuredPrefillTps(dir, "m")).toBe(150);
    await recordPrefill(dir, "m", { promptTokens: 3000, cachedTokens: 0, prefillTps: 160 });
    expect(await measuredPrefillTps(dir, "m")).toBe(150);
    await recordPrefill(dir, "m", { promptTokens: 3000, cachedTokens: 0, prefillTps: 300 });
    expect(await measuredPrefillTps(dir, "m")).toBe(300);
    expect(await measuredPrefillTps(dir, "other")).toBeUndefined();
    expect(await measuredPrefillTps(undefined, "m")).toBeUndefined();
  });
});
