import { describe, expect, it } from "vitest";
import { PromptLookupDrafter } from "../../src/inference/prompt-lookup.js";

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

describe("PromptLookupDrafter", () => {
  it("follows the source from the last matching 3-gram: a probe of 8 tokens, then doubling from 16 to the cap of 32", () => {
    const source = range(1000, 1200);
    const drafter = new PromptLookupDrafter(source);
    const history = [7, 1000, 1001, 1002];
    const probe = drafter.propose(history);
    expect(probe).toEqual(range(1003, 1011));
    drafter.feedback(probe.length, probe.length);
    history.push(...probe, 1011);
    const first = drafter.propose(history);
    expect(first).toEqual(range(1012, 1044));
    drafter.feedback(first.length, first.length);
    history.push(...first, 1044);
    const second = drafter.propose(history);
    expect(second).toEqual(range(1045, 1077));
    drafter.feedback(second.length, second.length);
    history.push(...second, 1077);
    expect(drafter.propose(history)).toHaveLength(32);
  });

  it("shrinks the draft after an early rejection and finds its place again after an edit", () => {
    const source = range(1000, 1200);
    const drafter = new PromptLookupDrafter(source, { initialDraft: 8 });
    const history = [1000, 1001, 1002];
    const draft = drafter.propose(history);
    drafter.feedback(draft.length, 1); // the model wrote something else after one token
    history.push(1003, 5, 6, 7); // an inserted line
    expect(drafter.propose(history)).toEqual([]);
    history.push(1010, 1011, 1012); // back to copying, further on
    expect(drafter.propose(history)).toEqual(range(1013, 1017));
  });

  it("resumes one copied token after an edit, near where the copy left off, and only there", () => {
    const run = (options: { resyncWindow?: number }, resumeWith: number): number[] => {
      const drafter = new PromptLookupDrafter(range(1000, 1200), options);
      const history = [1000, 1001, 1002];
      const probe = drafter.propose(history);
      drafter.feedback(probe.length, probe.length);
      history.push(...probe, 1011);
      const draft = drafter.propose(history);
      expect(draft).toEqual(range(1012, 1044));
      drafter.feedback(draft.length, 8); // 1012..1019 copied, then the edit: 5, 6 replace 1020, 1021
      history.push(...range(1012, 1020), 5);
      expect(drafter.propose(history)).toEqual([]);
      drafter.feedback(0, 0);
      history.push(6);
      expect(drafter.propose(history)).toEqual([]);
      drafter.feedback(0, 0);
      history.push(resumeWith);
      return drafter.propose(history);
    };
    expect(run({}, 1022)).toEqual(range(1023, 1027)); // a 3-gram would need two more tokens
    expect(run({ resyncWindow: 0 }, 1022)).toEqual([]);
    expect(run({}, 1100)).toEqual([]); // the same token far from the edit is not a resync
  });

  it("proposes nothing without a match", () => {
    expect(new PromptLookupDrafter([1, 2, 3, 4]).propose([9, 9, 9])).toEqual([]);
  });
});
