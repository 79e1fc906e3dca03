/**
 * `spark doctor` as a user runs it (`node bin/spark.js`, needs `npm run build`): the thread
 * count Spark will use, and when and how it was measured, read from the tuning cache.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureFixtureModel } from "../../fixtures/index.js";
import { detectMachine, llamaRuntime } from "../../src/inference/runtime.js";
import { tuningKey } from "../../src/inference/thread-tuning.js";
import { BIN } from "./cli-harness.js";

const model = ensureFixtureModel("successor");
let home = "";
let key = "";
beforeAll(async () => {
  home = mkdtempSync(path.join(os.tmpdir(), "spark-e2e-doctor-"));
  const llama = await llamaRuntime();
  // The launcher runs with one libuv pool thread, as these tests do: the key names it.
  key = tuningKey(llama, (await detectMachine(llama)).cores, statSync(model).size);
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

async function threadsLine(entry: object | undefined): Promise<{ ok: boolean; detail: string } | undefined> {
  const cache = mkdtempSync(path.join(home, "cache-"));
  mkdirSync(path.join(cache, "spark"), { recursive: true });
  if (entry) writeFileSync(path.join(cache, "spark", "threads.json"), JSON.stringify({ [key]: entry }));
  const r = await execa("node", [BIN, "doctor", "--model", model, "--json"], { env: { PATH: process.env.PATH ?? "", HOME: home, XDG_CACHE_HOME: cache }, extendEnv: false, reject: false });
  const report = JSON.parse(r.stdout) as { checks: { name: string; ok: boolean; detail: string }[] };
  return report.checks.find((c) => c.name === "threads");
}

const trials = [
  { threads: 1, decodeTps: 27 },
  { threads: 2, decodeTps: 11.4 },
];

describe("spark doctor", () => {
  it("shows the thread choice and when it was measured; a provisional one is a warning that says it will be measured again", async () => {
    expect(await threadsLine({ threads: 2, trials, measuredAt: "2026-12-01T10:00:00.000Z", othersShare: 0.02 })).toEqual({
      name: "threads",
      ok: true,
      fatal: false,
      detail: "2 (measured 2026-12-01 10:00 UTC; 1: 27 tok/s, 2: 11.4 tok/s)",
    });
    const provisional = await threadsLine({ threads: 1, trials, measuredAt: "2026-12-01T10:00:00.000Z", othersShare: 0.8, load: 3.5, provisional: true });
    expect(provisional).toMatchObject({
      ok: false,
      detail: "1, provisional (measured 2026-12-01 10:00 UTC while other processes used 80% of the CPU; 1: 27 tok/s, 2: 11.4 tok/s); measured again at the next start on a quiet machine",
    });
  });
});
