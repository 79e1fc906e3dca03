import { applyPatch, formatPatch, structuredPatch } from "diff";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { linePatch } from "../../src/edits/line-diff.js";

/** Small alphabets make repeated lines (no anchors) as common as unique ones. */
const lines = fc.array(fc.constantFrom("a", "b", "c", "d", "x();", "}", ""), { maxLength: 30 });
const file = fc.tuple(lines, fc.boolean()).map(([ls, nl]) => ls.join("\n") + (nl && ls.length > 0 ? "\n" : ""));

describe("linePatch", () => {
  it("is a patch that turns the old text into the new one, final newline included", () => {
    fc.assert(
      fc.property(file, file, (before, after) => {
        const patch = linePatch("a/f", "b/f", before, after, 3);
        expect(applyPatch(before, formatPatch(patch))).toBe(after);
      }),
      { numRuns: 500 },
    );
  });

  it("gives jsdiff's hunks where the smallest diff is plain", () => {
    const before = "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten\n";
    const after = "one\ntwo\n3\nfour\nfive\nsix\nseven\neight\nnine\nten\neleven";
    expect(linePatch("a/f", "b/f", before, after, 3)).toEqual(structuredPatch("a/f", "b/f", before, after, undefined, undefined, { context: 3 }));
  });
});
