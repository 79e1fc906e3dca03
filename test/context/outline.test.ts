import { describe, expect, it } from "vitest";
import { outlineSource } from "../../src/context/outline.js";
import { buildImportGraph, resolveImport, suffixIndex, testedName } from "../../src/context/rank/graph.js";
import { countIn, encodeCounts, queryTerms, termCounts } from "../../src/context/terms.js";

describe("terms", () => {
  it("split identifiers, fold case, stem, and keep compounds whole", () => {
    const t = termCounts("ensureRipgrepAvailable RIPGREP_PATH parseHTTPRequest recordings");
    for (const term of ["ensur", "ripgrep", "avail", "ensureripgrepavailable", "path", "pars", "http", "request", "parsehttprequest", "record"]) {
      expect(t.has(term), term).toBe(true);
    }
    expect(queryTerms("Fix the @ file mentions")).toEqual(["fix", "file", "mention"]);
  });

  it("encode counts so single terms are found with indexOf", () => {
    const enc = encodeCounts(new Map([["cache", 12], ["ca", 3]]));
    expect(countIn(enc, "cache")).toBe(12);
    expect(countIn(enc, "ca")).toBe(3);
    expect(countIn(enc, "c")).toBe(0);
  });
});

describe("outlineSource", () => {
  it("declarations are definitions; imports and words in comments are not", () => {
    const o = outlineSource(
      "src/a.ts",
      [
        'import { type Parser, helper } from "./parser.js";',
        "// class NotThis",
        "/**",
        " * function notThisEither",
        " */",
        "export interface Options {",
        "  depth: number;",
        "}",
        "export async function parseAll(text: string): Promise<void> {",
        "  return;",
        "}",
        "export class Walker extends Base {",
        "  visit(node: Node): void {",
        "  }",
        "}",
        "const local = (x: number) => x + 1;",
      ].join("\n"),
    );
    expect(o.defs.sort()).toEqual(["Options", "Walker", "local", "parseAll", "visit"]);
    expect(o.imports).toEqual(["./parser.js"]);
    expect(o.lines).toEqual([
      "export interface Options",
      "export async function parseAll(text: string): Promise<void>",
      "export class Walker extends Base",
      "  visit(node: Node): void",
      "const local = (x: number) => x + 1;",
    ]);
  });

  it("outlines Python and Markdown", () => {
    expect(outlineSource("a.py", "from .util import x\nclass A:\n    def run(self):\n        pass\n").defs).toEqual(["A", "run"]);
    expect(outlineSource("a.py", "from .util import x\n").imports).toEqual([".util"]);
    expect(outlineSource("README.md", "# Title\ntext\n## Usage\n").lines).toEqual(["# Title", "## Usage"]);
  });
});

describe("import graph", () => {
  it("resolves relative, ESM-style .js, index and alias imports", () => {
    const files = new Set(["src/a.ts", "src/b/index.ts", "src/c.tsx", "src/lib/util.ts", "pkg/mod.py", "pkg/sub/x.py"]);
    const idx = suffixIndex(files);
    expect(resolveImport("src/a.ts", "./c.js", files, idx)).toBe("src/c.tsx");
    expect(resolveImport("src/a.ts", "./b", files, idx)).toBe("src/b/index.ts");
    expect(resolveImport("src/b/index.ts", "../lib/util", files, idx)).toBe("src/lib/util.ts");
    expect(resolveImport("src/a.ts", "@/lib/util", files, idx)).toBe("src/lib/util.ts");
    expect(resolveImport("pkg/sub/x.py", "..mod", files, idx)).toBe("pkg/mod.py");
    expect(resolveImport("src/a.ts", "react", files, idx)).toBeUndefined();
    const g = buildImportGraph([
      { path: "src/a.ts", imports: "./c.js react" },
      { path: "src/c.tsx", imports: "" },
    ]);
    expect(g.imports.get("src/a.ts")).toEqual(["src/c.tsx"]);
    expect(g.importers.get("src/c.tsx")).toEqual(["src/a.ts"]);
  });

  it("knows test files by name", () => {
    expect(testedName("src/x.test.ts")).toBe("x");
    expect(testedName("src/__tests__/x.spec.tsx")).toBe("x");
    expect(testedName("tests/test_x.py")).toBe("x");
    expect(testedName("src/x.ts")).toBeUndefined();
  });
});
