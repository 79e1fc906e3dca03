import { describe, expect, it } from "vitest";
import { formatCrossover, type ReplayRow } from "../../bench/replay/report.js";
import { fitStepCost, lookupSchedule, scheduleCostMs } from "../../bench/replay/schedule.js";

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

describe("replay schedule", () => {
  const quiet = { alphaMs: 35, betaMs: 20 };

  it("without drafts every token is one step of batch 1", async () => {
    const s = await lookupSchedule([1, 2, 3], null, range(10, 20), quiet);
    expect([s.steps, s.proposed, s.accepted]).toEqual([10, 0, 0]);
    expect(s.batchSizes.every((b) => b === 1)).toBe(true);
  });

  it("a verbatim copy of the prompt is covered by a few long verified drafts", async () => {
    const file = range(1000, 1300);
    const s = await lookupSchedule(file, file, file.slice(3), quiet);
    expect(s.accepted + s.steps).toBe(297);
    expect(s.steps).toBeLessThan(30);
    expect(s.covered.at(-1)).toBe(297);
  });

  it("drafts nothing when a drafted token costs as much as a plain step saves", async () => {
    const file = range(1000, 1300);
    const s = await lookupSchedule(file, file, file.slice(3), { alphaMs: 0, betaMs: 30 });
    expect(s.proposed).toBe(0);
  });

  it("with a measured price per batch size, drafts only for those sizes and prices each step at its own", async () => {
    const file = range(1000, 1300);
    // A CPU-like table: a batch costs about two plain steps before it pays, 8 and 32 are cheap.
    const table = { alphaMs: 20, betaMs: 10, batchMs: [undefined, 25, 52, 62, 75, 95, 105, 115, 100, undefined, undefined, undefined, undefined, undefined, undefined, undefined, 180, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, 260] };
    const s = await lookupSchedule(file, file, file.slice(3), table);
    expect(s.batchSizes.every((b) => table.batchMs[b] !== undefined)).toBe(true);
    expect(s.batchSizes.filter((b) => b === 32).length).toBeGreaterThan(5);
    expect(scheduleCostMs(table, s)).toBeCloseTo(s.batchSizes.reduce((a, b) => a + (table.batchMs[b] ?? 0), 0));
  });

  it("fits α + β·batch to timed steps and prices a schedule with it", () => {
    const cost = fitStepCost([1, 1, 17, 33, 33].map((batch) => ({ batch, ms: 40 + 10 * batch })));
    expect(cost.alphaMs).toBeCloseTo(40);
    expect(cost.betaMs).toBeCloseTo(10);
    expect(scheduleCostMs(cost, { steps: 2, proposed: 16, accepted: 16, covered: [17, 18], batchSizes: [17, 1] })).toBeCloseTo(2 * 40 + 18 * 10);
    expect(fitStepCost([{ batch: 1, ms: 50 }, { batch: 1, ms: 70 }])).toEqual({ alphaMs: 60, betaMs: 0 });
    // One step slowed down by the neighbours does not tilt the line.
    const noisy = fitStepCost([...[1, 1, 1, 17, 17, 33].map((batch) => ({ batch, ms: 40 + 10 * batch })), { batch: 1, ms: 400 }, { batch: 33, ms: 3000 }]);
    expect(noisy.alphaMs).toBeCloseTo(40);
    expect(noisy.betaMs).toBeCloseTo(10);
  });
});

describe("format crossover", () => {
  const row = (commit: string, tokens: number, format: string, timeToEditMs: number): ReplayRow => ({
    commit,
    path: "f.ts",
    fileBytes: tokens * 3,
    fileTokens: tokens,
    format,
    speculation: "lookup",
    outputTokens: 1,
    steps: 1,
    draftProposed: 0,
    draftAccepted: 0,
    tps: 1,
    prefillMs: 0,
    timeToEditMs,
    speedup: 1,
    identical: true,
  });

  it("is the whole-file limit that minimizes the summed time to finished edit", () => {
    const rows = [
      ...[100, 200].flatMap((t) => [row(`c${t}`, t, "whole", 1000), row(`c${t}`, t, "search-replace", 2000)]),
      // one larger file where whole wins by a little does not outweigh the ones around it
      ...[300, 400, 500].flatMap((t) => [row(`c${t}`, t, "whole", t === 400 ? 900 : 3000), row(`c${t}`, t, "search-replace", 1000)]),
    ];
    expect(formatCrossover(rows)).toEqual({ tokens: 200, bytes: 600 });
    expect(formatCrossover(rows.filter((r) => r.fileTokens >= 300 && r.fileTokens !== 400))).toEqual({ tokens: 0, bytes: 0 });
    expect(formatCrossover([])).toBeUndefined();
  });
});
