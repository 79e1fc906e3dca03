import { describe, expect, it } from "vitest";
import { PromptLookupDrafter } from "../../src/inference/prompt-lookup.js";

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

describe("PromptLookupDrafter", () => {
  it("follows the source from the last matching 3-gram, with how far the history matches before it", () => {
    const source = range(1000, 1200);
    const drafter = new PromptLookupDrafter(source);
    const history = [7, 1000, 1001, 1002];
    const first = drafter.propose(history, 8);
    expect(first).toEqual({ tokens: range(1003, 1011), context: 3, fromOutput: false });
    drafter.feedback(8, 8);
    history.push(...range(1003, 1012));
    expect(drafter.propose(history, 32)).toEqual({ tokens: range(1012, 1044), context: 12, fromOutput: false });
  });

  it("takes the occurrence whose preceding tokens match the history longest", () => {
    // "1 2 3" occurs twice; only the second is preceded by 9 as in the history.
    const drafter = new PromptLookupDrafter([1, 2, 3, 50, 51, 9, 1, 2, 3, 60, 61, 8]);
    expect(drafter.propose([0, 9, 1, 2, 3], 2)).toEqual({ tokens: [60, 61], context: 4, fromOutput: false });
  });

  it("finds its place again after an edit", () => {
    const source = range(1000, 1200);
    const drafter = new PromptLookupDrafter(source);
    const history = [1000, 1001, 1002];
    drafter.propose(history, 8);
    drafter.feedback(8, 1); // the model wrote something else after one token
    history.push(1003, 5, 6, 7); // an inserted line
    expect(drafter.propose(history, 8).tokens).toEqual([]);
    history.push(1010, 1011, 1012); // back to copying, further on
    expect(drafter.propose(history, 4).tokens).toEqual(range(1013, 1017));
  });

  it("resumes one copied token after an edit, near where the copy left off, and only there", () => {
    const run = (options: { resyncWindow?: number }, resumeWith: number): number[] => {
      const drafter = new PromptLookupDrafter(range(1000, 1200), options);
      const history = [1000, 1001, 1002];
      expect(drafter.propose(history, 40).tokens).toEqual(range(1003, 1043));
      drafter.feedback(40, 16); // 1003..1018 copied, then the edit: 5, 6 replace 1020, 1021
      history.push(...range(1003, 1020), 5);
      expect(drafter.propose(history, 4).tokens).toEqual([]);
      drafter.feedback(0, 0);
      history.push(6);
      expect(drafter.propose(history, 4).tokens).toEqual([]);
      drafter.feedback(0, 0);
      history.push(resumeWith);
      return drafter.propose(history, 4).tokens;
    };
    expect(run({}, 1022)).toEqual(range(1023, 1027)); // a 3-gram would need two more tokens
    expect(run({ resyncWindow: 0 }, 1022)).toEqual([]);
    expect(run({}, 1100)).toEqual([]); // the same token far from the edit is not a resync
  });

  it("drafts from its own output: a second copy of a written block", () => {
    const drafter = new PromptLookupDrafter([1, 2, 3, 4]);
    const history = [1, 2, 3, 4];
    expect(drafter.propose(history, 4).tokens).toEqual([]);
    // The output writes a block that is nowhere in the source, then starts it again.
    for (const t of [70, 71, 72, 73, 74, 75, 9, 70, 71, 72]) {
      drafter.feedback(0, 0);
      history.push(t);
      drafter.propose(history, 4);
    }
    expect(drafter.propose(history, 3)).toEqual({ tokens: [73, 74, 75], context: 3, fromOutput: true });
    expect(new PromptLookupDrafter([1, 2, 3, 4], { fromOutput: false }).propose(history, 3).tokens).toEqual([]);
  });

  it("proposes nothing without a match", () => {
    expect(new PromptLookupDrafter([1, 2, 3, 4]).propose([9, 9, 9], 4).tokens).toEqual([]);
  });
});
