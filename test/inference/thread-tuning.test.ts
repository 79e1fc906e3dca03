import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Llama, LlamaModel } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureFixtureModel } from "../../fixtures/index.js";
import { llamaRuntime } from "../../src/inference/llama-runtime.js";
import { threadCandidates, tunedThreads, tuningKey, type LoadProbe } from "../../src/inference/thread-tuning.js";

let llama: Llama;
let model: LlamaModel;
beforeAll(async () => {
  llama = await llamaRuntime();
  model = await llama.loadModel({ modelPath: ensureFixtureModel("successor"), gpuLayers: 0 });
});
afterAll(async () => {
  await model.dispose();
});

function cacheFile(): string {
  return path.join(mkdtempSync(path.join(os.tmpdir(), "spark-threads-")), "threads.json");
}

describe("thread tuning", () => {
  it("candidates cover every count on small machines and a spread on big ones", () => {
    expect(threadCandidates(2)).toEqual([1, 2]);
    expect(threadCandidates(32)).toEqual([1, 2, 4, 16, 31, 32]);
  });

  it("measures once on a quiet machine, caches the choice with when it was measured, and reuses it", async () => {
    const file = cacheFile();
    const threads = await tunedThreads(llama, model, 2, 1_000_000, file, probe(0, 0));
    const entry = JSON.parse(readFileSync(file, "utf8"))[tuningKey(llama, 2, 1_000_000)];
    expect(entry.threads).toBe(threads);
    expect(entry.trials.map((t: { threads: number }) => t.threads)).toEqual([1, 2]);
    expect(entry.provisional).toBeUndefined();
    expect(Math.abs(Date.parse(entry.measuredAt) - Date.now())).toBeLessThan(60_000);
    // A cached, non-provisional result is used as is, even if it differs from what a new measurement would say.
    entry.threads = 7;
    writeFileSync(file, JSON.stringify({ [tuningKey(llama, 2, 1_000_000)]: entry }));
    expect(await tunedThreads(llama, model, 2, 1_000_000, file, probe(0, 0))).toBe(7);
  });

  it("a choice measured while other processes used the CPU does not stick: used while they still do, measured again at the first quiet start, whatever the load average says", async () => {
    const file = cacheFile();
    const key = tuningKey(llama, 2, 1_000_000);
    await tunedThreads(llama, model, 2, 1_000_000, file, probe(0.8, 0.8, 3.5));
    const busyEntry = JSON.parse(readFileSync(file, "utf8"))[key];
    expect(busyEntry).toMatchObject({ provisional: true, othersShare: 0.8, load: 3.5 });
    busyEntry.threads = 7;
    writeFileSync(file, JSON.stringify({ [key]: busyEntry }));
    expect(await tunedThreads(llama, model, 2, 1_000_000, file, probe(0.8, 0.8, 3.5))).toBe(7);
    // Quiet now, though the 1-minute load average still remembers the busy minute.
    const quiet = await tunedThreads(llama, model, 2, 1_000_000, file, probe(0.05, 0.05, 3.5));
    expect([1, 2]).toContain(quiet);
    expect(JSON.parse(readFileSync(file, "utf8"))[key]).toMatchObject({ threads: quiet, othersShare: 0.05 });
    expect(JSON.parse(readFileSync(file, "utf8"))[key].provisional).toBeUndefined();
  });
});

/** A probe that reports `glance` now, `during` a measurement, and a 1-minute load average. */
function probe(glance: number, during: number, load = 0): LoadProbe {
  return { loadAverage: () => load, watch: () => () => during, glance: async () => glance };
}
