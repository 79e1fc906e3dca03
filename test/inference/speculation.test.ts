import { describe, expect, it } from "vitest";
import type { Draft, Drafter } from "../../src/inference/draft-model.js";
import { AcceptanceModel, bestDraftLength, lineBreaksOf, Speculator } from "../../src/inference/speculation.js";
import { FixedStepCost, OnlineStepCost } from "../../src/inference/step-cost.js";

const noBreaks = (): boolean => false;
const draft = (n: number, context: number): Draft => ({ tokens: Array.from({ length: n }, (_, i) => 100 + i), context });

describe("cost-aware draft length", () => {
  it("drafts long when a drafted token is cheap and drafts are accepted, nothing when it cannot pay", () => {
    const acceptance = new AcceptanceModel();
    for (let i = 0; i < 50; i++) acceptance.record(40, false, false, true);
    for (let i = 0; i < 50; i++) acceptance.record(64, false, false, true);
    // A GPU-like price: a batch of 64 for little more than one token.
    expect(bestDraftLength(acceptance, draft(64, 40), 1, 64, { alphaMs: 10, betaMs: 0.1 }, noBreaks)).toBe(64);
    // A drafted token costs about a plain step and a fresh 3-token match is a guess: nothing pays.
    expect(bestDraftLength(new AcceptanceModel(), draft(64, 3), 1, 64, { alphaMs: 1, betaMs: 30 }, noBreaks)).toBe(0);
    // A CPU-like price: some, not all.
    const cpu = bestDraftLength(acceptance, draft(64, 40), 1, 64, { alphaMs: 35, betaMs: 20 }, noBreaks);
    expect(cpu).toBeGreaterThan(4);
    expect(cpu).toBeLessThan(64);
  });

  it("stops a draft at a line start once line starts keep failing", () => {
    const acceptance = new AcceptanceModel();
    for (let i = 0; i < 30; i++) acceptance.record(20, true, false, false);
    for (let i = 0; i < 30; i++) acceptance.record(20, false, false, true);
    const lineEnd = 105; // the draft's 6th token ends a line
    const breaks = (t: number): boolean => t === lineEnd;
    expect(bestDraftLength(acceptance, draft(20, 20), 1, 20, { alphaMs: 10, betaMs: 0.5 }, breaks)).toBe(6);
    expect(bestDraftLength(acceptance, draft(20, 20), 1, 20, { alphaMs: 10, betaMs: 0.5 }, noBreaks)).toBeGreaterThan(15);
  });

  it("learns per context and line start from verified positions", () => {
    const acceptance = new AcceptanceModel();
    const before = acceptance.probability(3);
    for (let i = 0; i < 20; i++) acceptance.record(3, false, false, false);
    expect(acceptance.probability(3)).toBeLessThan(before / 4);
    expect(acceptance.probability(3, true)).toBe(new AcceptanceModel().probability(3, true)); // another bucket
  });

  it("kept across answers, still follows a change: old evidence is halved past 256 trials", () => {
    const acceptance = new AcceptanceModel();
    for (let i = 0; i < 1000; i++) acceptance.record(16, false, false, false);
    expect(acceptance.probability(16)).toBeLessThan(0.01);
    for (let i = 0; i < 300; i++) acceptance.record(16, false, false, true);
    expect(acceptance.probability(16)).toBeGreaterThan(0.6);
  });

  it("a speculator given the acceptance an earlier answer taught starts from it", async () => {
    const shared = new AcceptanceModel();
    for (let i = 0; i < 40; i++) shared.record(3, false, false, false);
    const proposal = { cheap: true as const, propose: () => draft(8, 3), feedback: () => {} };
    const price = new FixedStepCost({ alphaMs: 10, betaMs: 1 });
    expect((await new Speculator(proposal, price).draft([1, 2, 3], 8)).length).toBeGreaterThan(2);
    expect(await new Speculator(proposal, price, { acceptance: shared }).draft([1, 2, 3], 8)).toEqual([]);
  });

  it("tells line breaks by token text", () => {
    const breaks = lineBreaksOf((tokens) => (tokens[0] === 10 ? "\n" : tokens[0] === 11 ? "}\n  " : "x"));
    expect([breaks(10), breaks(11), breaks(12), breaks(-1)]).toEqual([true, true, false, false]);
  });
});

describe("Speculator", () => {
  /** A lookup-like drafter that always proposes `proposal`, counting feedback. */
  function fixedDrafter(proposal: Draft): Drafter & { feedbacks: [number, number][] } {
    const feedbacks: [number, number][] = [];
    return { cheap: true, feedbacks, propose: () => proposal, feedback: (p, a) => void feedbacks.push([p, a]) };
  }

  it("a plain step still learns from the proposal it did not send", async () => {
    const drafter = fixedDrafter(draft(8, 3));
    const speculator = new Speculator(drafter, new FixedStepCost({ alphaMs: 1, betaMs: 30 }));
    expect(await speculator.draft([1, 2, 3], 8)).toEqual([]);
    speculator.settle(0, [100], 1, 31);
    expect(drafter.feedbacks).toEqual([[0, 0]]);
    const acceptance = (speculator as unknown as { acceptance: AcceptanceModel }).acceptance;
    expect(acceptance.probability(3)).toBeGreaterThan(new AcceptanceModel().probability(3));
  });

  it("sends no more than the admitted prefix", async () => {
    const speculator = new Speculator(fixedDrafter(draft(8, 40)), new FixedStepCost({ alphaMs: 10, betaMs: 0.1 }));
    expect(await speculator.draft([1, 2, 3], 8, () => 2)).toEqual([100, 101]);
  });
});

describe("online step price", () => {
  /** A CPU-like price: a plain step 24 ms, a batch 22 ms more and 8 ms per token after the first. */
  const cpu = (batch: number): number => (batch === 1 ? 24 : 46 + 8 * (batch - 1));

  it("fits the plain step, what going to a batch costs, and each further token", () => {
    const cost = new OnlineStepCost();
    for (let i = 0; i < 40; i++) for (const batch of [1, 3, 9, 17, 33]) cost.observe(batch, cpu(batch));
    const { batchMs } = cost.estimate();
    for (const batch of [1, 2, 8, 16, 64]) expect(batchMs?.[batch]).toBeCloseTo(cpu(batch), 0);
  });

  it("prices a size the kernels favour by what it cost, and offers only its sizes", () => {
    const cost = new OnlineStepCost();
    for (let i = 0; i < 40; i++) {
      for (const batch of [1, 2, 8, 16, 32, 48]) cost.observe(batch, cpu(batch));
      cost.observe(64, cpu(64) * 0.7);
    }
    const price = cost.estimate();
    expect(price.batchMs?.[64]).toBeLessThan(price.batchMs?.[48] ?? 0);
    expect(price.batchMs?.[63]).toBeUndefined();
    const acceptance = new AcceptanceModel();
    for (let i = 0; i < 50; i++) acceptance.record(64, false, false, true);
    expect(bestDraftLength(acceptance, draft(70, 64), 1, 70, price, noBreaks)).toBe(63);
  });

  it("assumes the prior shape while only plain steps were seen, and follows a change in load", () => {
    const cost = new OnlineStepCost();
    for (let i = 0; i < 50; i++) cost.observe(1, 30);
    const plain = cost.estimate().batchMs ?? [];
    expect(plain[1]).toBeCloseTo(30, 0);
    expect((plain[2] ?? 0) / 30).toBeCloseTo(1 + 0.9 + 0.33, 1);
    for (let i = 0; i < 200; i++) cost.observe(1, 60);
    expect(cost.estimate().batchMs?.[1]).toBeCloseTo(60, 0);
  });

  it("stops drafting short guesses once a batch is seen to cost twice a plain step", async () => {
    const speculator = new Speculator({ cheap: true, propose: () => draft(2, 3), feedback: () => {} }, new OnlineStepCost());
    let sent = 0;
    for (let step = 0; step < 60; step++) {
      const drafts = await speculator.draft([1, 2, 3], 8);
      sent += drafts.length;
      // Half the guesses are right; a batch costs what the CPU above says.
      const accepted = drafts.length > 0 && step % 2 === 0 ? 1 : 0;
      speculator.settle(accepted, [100], 1 + drafts.length, cpu(1 + drafts.length));
    }
    expect(sent).toBeLessThan(10);
  });
});

describe("Speculator with a costly drafter", () => {
  /** A draft-model-like drafter that is never right, counting its calls. */
  function wrongModel(): Drafter & { calls: number } {
    const d = { cheap: false as const, calls: 0, propose: (_h: readonly number[], max: number): Draft => (d.calls++, draft(max, 0)), feedback: (): void => {} };
    return d;
  }

  it("is not asked before it is known to pay, and a drafter that keeps failing is probed ever more rarely", async () => {
    const drafter = wrongModel();
    // Verifying a drafted token costs most of a plain step, as on a CPU.
    const speculator = new Speculator(drafter, new FixedStepCost({ alphaMs: 18, betaMs: 9 }));
    const callsAt: number[] = [];
    for (let step = 1; step <= 400; step++) {
      const sent = await speculator.draft([1, 2, step], 8);
      if (sent.length > 0) callsAt.push(step);
      speculator.settle(0, [7], 1 + sent.length, 27 + 9 * sent.length);
    }
    // Probes only, one token each, at 16, then 32, 64, 128 and 256 steps apart (16× at most).
    expect(callsAt).toEqual([16, 48, 112, 240]);
    expect(drafter.calls).toBe(4);
  });
});
