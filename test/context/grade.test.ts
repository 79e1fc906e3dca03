import { describe, expect, it } from "vitest";
import { chooseGrades, type GradeInput, type GradeOptions } from "../../src/context/grade.js";

/** A ranked file with `tokens` of full text and a one-line outline. */
function file(path: string, score: number, tokens: number): GradeInput {
  return { path, tier: "ranked", score, fullTokens: tokens, outline: `export function ${path.replace(/\W/g, "")}()` };
}

/** Paths graded full text, in rank order. */
function full(ranked: GradeInput[], extra: Partial<GradeOptions> = {}): string[] {
  // A few small unranked files make the listing cheap, so the room is about the budget.
  const grades = chooseGrades({ ranked, budget: 2500, allPaths: ranked.map((r) => r.path), ...extra });
  return grades.filter((g) => g.role === "full").map((g) => g.path);
}

describe("chooseGrades", () => {
  it("pairs a file in full with its test, ahead of the next-ranked file", () => {
    const ranked = [file("src/quota.ts", 10, 1000), file("src/notice.ts", 9, 1000), file("src/quota.test.ts", 6, 1000)];
    expect(full(ranked)).toEqual(["src/quota.ts", "src/quota.test.ts"]);
    expect(full(ranked, { pairFloor: Number.POSITIVE_INFINITY })).toEqual(["src/quota.ts", "src/notice.ts"]);
    // A partner the ranking barely saw does not take the room.
    const weak = [file("src/quota.ts", 10, 1000), file("src/notice.ts", 9, 1000), file("src/quota.test.ts", 1, 1000)];
    expect(full(weak)).toEqual(["src/quota.ts", "src/notice.ts"]);
  });

  it("spends the room by value per token: two likely files before one large, barely better one", () => {
    const ranked = [file("src/big.ts", 10, 2000), file("src/a.ts", 9.5, 500), file("src/b.ts", 9.5, 500)];
    expect(full(ranked)).toEqual(["src/a.ts", "src/b.ts"]);
    expect(full(ranked, { sizePenalty: 0 })).toEqual(["src/big.ts"]);
    // A clearly better file keeps its place whatever its size.
    const clear = [file("src/big.ts", 10, 2000), file("src/a.ts", 6, 500), file("src/b.ts", 6, 500)];
    expect(full(clear)[0]).toBe("src/big.ts");
  });

  it("gives the same grades in the same order for the same input", () => {
    const ranked = Array.from({ length: 30 }, (_, i) => file(`src/m${i}.ts`, 30 - i, 100 + ((i * 37) % 300)));
    const a = chooseGrades({ ranked, budget: 2500, allPaths: ranked.map((r) => r.path) });
    const b = chooseGrades({ ranked, budget: 2500, allPaths: ranked.map((r) => r.path) });
    expect(b).toEqual(a);
  });
});
