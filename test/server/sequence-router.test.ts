import { describe, expect, it } from "vitest";
import { chooseSequence, SequenceRouter, sharedPrefix, type SequenceView } from "../../src/server/sequence-router.js";

const idle = (held: number[], lastUsed: number, owner?: string): SequenceView => ({ held, lastUsed, busy: false, owner });
const range = (from: number, n: number): number[] => Array.from({ length: n }, (_, i) => from + i);

describe("sharedPrefix", () => {
  it("counts the common leading tokens", () => {
    expect(sharedPrefix([1, 2, 3], [1, 2, 4])).toBe(2);
    expect(sharedPrefix([], [1])).toBe(0);
    expect(sharedPrefix([5, 6], [5, 6, 7])).toBe(2);
  });
});

describe("chooseSequence", () => {
  const system = range(1000, 20);
  const repoA = [...system, ...range(1, 200)];
  const repoB = [...system, ...range(500, 200)];

  it("sends a request back to the sequence holding its prefix", () => {
    const views = [idle([...repoA, 7, 7], 1), idle([], 0)];
    expect(chooseSequence([...repoA, 8], views)).toEqual({ index: 0, reason: "prefix", shared: repoA.length });
  });

  it("a shared system prompt alone does not pull another repo onto a cache: it takes an empty sequence", () => {
    const views = [idle(repoA, 1), idle([], 0)];
    expect(chooseSequence(repoB, views)).toEqual({ index: 1, reason: "free", shared: 0 });
  });

  it("a repeated prompt goes back to its sequence however long the answer it holds after it", () => {
    const answer = range(7000, 3 * repoA.length);
    const views = [{ ...idle([...repoA, ...answer], 1), lastPrompt: repoA }, idle([], 0)];
    expect(chooseSequence(repoA, views)).toEqual({ index: 0, reason: "prefix", shared: repoA.length });
    // Half of the last prompt is still the bar: the system prompt alone does not take it.
    expect(chooseSequence(repoB, views)).toMatchObject({ index: 1, reason: "free" });
  });

  it("evicts the least recently used idle sequence when none match or is empty", () => {
    const views = [idle(repoA, 5), idle(range(3000, 50), 2), { ...idle(range(4000, 50), 1), busy: true }];
    expect(chooseSequence(repoB, views)).toEqual({ index: 1, reason: "evict", shared: 0 });
  });

  it("a sticky key wins over prefixes", () => {
    const views = [idle(repoA, 1), idle(repoB, 2, "alice")];
    expect(chooseSequence(repoA, views, "alice")).toMatchObject({ index: 1, reason: "sticky" });
    expect(chooseSequence(repoA, views, "bob")).toMatchObject({ index: 0, reason: "prefix" });
  });

  it("prefers the longer prefix, then an idle sequence", () => {
    const longer = [...repoA, 1, 2, 3];
    expect(chooseSequence([...longer, 9], [idle(repoA, 3), idle(longer, 1)]).index).toBe(1);
    expect(chooseSequence(repoA, [{ ...idle(repoA, 3), busy: true }, idle(repoA, 1)]).index).toBe(1);
  });
});

describe("SequenceRouter", () => {
  it("two clients on two repos alternate without evicting each other; a third evicts the LRU", () => {
    const held: number[][] = [[], []];
    const router = new SequenceRouter(2, (i) => held[i] ?? [], () => false);
    const run = (prompt: number[]): number => {
      const { index } = router.route(prompt);
      held[index] = prompt;
      return index;
    };
    const a = range(1, 100);
    const b = range(300, 100);
    const first = run(a);
    const second = run(b);
    expect(first).not.toBe(second);
    for (let turn = 0; turn < 3; turn++) {
      expect(run([...a, turn])).toBe(first);
      expect(run([...b, turn])).toBe(second);
    }
    // b was used last, so a's sequence is the one given up.
    expect(router.route(range(700, 100))).toEqual({ index: first, reason: "evict", shared: 0 });
  });

  it("a client repeating a prompt whose answer is longer than it keeps its cached prefix", () => {
    const held: number[][] = [[], [], []];
    const router = new SequenceRouter(3, (i) => held[i] ?? [], () => false);
    const prompt = range(1, 100);
    const first = router.route(prompt);
    held[first.index] = [...prompt, ...range(5000, 300)];
    expect(router.route(prompt)).toEqual({ index: first.index, reason: "prefix", shared: 100 });
  });

  it("routes by what a busy sequence is about to hold, and keys stay on their sequence", () => {
    const busy = new Set<number>();
    const router = new SequenceRouter(2, () => [], (i) => busy.has(i));
    const a = range(1, 50);
    const d1 = router.route(a, "k1");
    busy.add(d1.index);
    expect(router.route([...a, 5])).toMatchObject({ index: d1.index, reason: "prefix" });
    const d2 = router.route(range(900, 10), "k2");
    expect(d2.index).not.toBe(d1.index);
    expect(router.route(range(77, 3), "k1")).toMatchObject({ index: d1.index, reason: "sticky" });
  });
});
