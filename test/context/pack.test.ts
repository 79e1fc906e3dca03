import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FactsCache, packContext, renderFileBlock, type PackOptions } from "../../src/context/index.js";
import { byteTokens, makeRepo, wordTokens, writeFiles } from "../agent/helpers.js";

function lines(prefix: string, n: number): string {
  return Array.from({ length: n }, (_, i) => `${prefix} line ${i}`).join("\n") + "\n";
}

const BASE_FILES: Record<string, string> = {
  "AGENTS.md": "Use tabs.\n",
  "src/app.ts": 'import { computeTotal } from "./math.js";\nexport function run() { return computeTotal([1, 2]); }\n',
  "src/math.ts": "export function computeTotal(xs: number[]) { return xs.reduce((a, b) => a + b, 0); }\n",
  "src/unrelated.ts": lines("// unrelated filler", 30),
  "src/zeta.ts": "export const zeta = 1;\n",
  "docs/guide.md": lines("guide", 10),
  "package-lock.json": '{"lockfileVersion": 3}\n',
  "vendor/lib/x.js": "var x = 1;\n",
  "web/app.min.js": "var a=1;\n",
  "img/logo.png": new Uint8Array([137, 80, 78, 71, 0, 1, 2]) as unknown as string,
  "data/blob.dat2": "abc\u0000def\n",
};

function opts(root: string, extra: Partial<PackOptions> = {}): PackOptions {
  return { root, task: "fix the total", budget: 100_000, countTokens: byteTokens, tokenizer: "bytes", ...extra };
}

describe("packContext", () => {
  it("includes text files, skips binaries, lockfiles, minified and vendored files, and lists them", async () => {
    const root = makeRepo(BASE_FILES);
    const packed = await packContext(opts(root));
    const included = packed.files.map((f) => f.path);
    expect(included).toContain("src/math.ts");
    expect(included).toContain("docs/guide.md");
    for (const skipped of ["package-lock.json", "vendor/lib/x.js", "web/app.min.js", "img/logo.png", "data/blob.dat2"]) {
      expect(included).not.toContain(skipped);
      expect(packed.listed).toContain(skipped);
      expect(packed.text).toContain(skipped.slice(skipped.lastIndexOf("/") + 1));
    }
    expect(packed.files[0]?.path).toBe("AGENTS.md");
    expect(packed.text.startsWith("AGENTS.md\n```\nUse tabs.\n```\n")).toBe(true);
  });

  it("skips files over the size cap unless they are targets", async () => {
    const root = makeRepo({ "big.txt": lines("big", 200), "small.txt": "s\n" });
    const capped = await packContext(opts(root, { maxFileBytes: 1000 }));
    expect(capped.files.map((f) => f.path)).toEqual(["small.txt"]);
    expect(capped.listed).toEqual(["big.txt"]);
    const targeted = await packContext(opts(root, { maxFileBytes: 1000, targets: ["big.txt"] }));
    expect(targeted.files.map((f) => f.path)).toEqual(["small.txt", "big.txt"]);
  });

  it("never exceeds the budget, measured exactly, for any budget", async () => {
    const root = makeRepo(BASE_FILES);
    // Not additive: a joined text costs more than its parts, so only the final count can tell.
    const superTokens = async (t: string): Promise<number> => Buffer.byteLength(t) + Math.floor((Buffer.byteLength(t) / 200) ** 2);
    for (const countTokens of [byteTokens, wordTokens, superTokens]) {
      for (const budget of [300, 500, 800, 1200, 2000, 5000]) {
        const packed = await packContext(opts(root, { budget, countTokens, targets: ["src/zeta.ts"] }));
        expect(packed.tokens).toBe(await countTokens(packed.text));
        expect(packed.tokens).toBeLessThanOrEqual(budget);
        expect(packed.files.some((f) => f.path === "src/zeta.ts")).toBe(true);
      }
    }
  });

  it("refuses when the targets alone do not fit", async () => {
    const root = makeRepo({ "a.txt": lines("a", 100) });
    await expect(packContext(opts(root, { budget: 200, targets: ["a.txt"] }))).rejects.toThrow(/raise --context/);
  });

  it("gives the same text for the same inputs, cold cache or warm", async () => {
    const root = makeRepo(BASE_FILES);
    const cacheDir = mkdtempSync(path.join(os.tmpdir(), "spark-facts-"));
    const a = await packContext(opts(root, { cacheDir, budget: 1500 }));
    const b = await packContext(opts(root, { cacheDir, budget: 1500 }));
    const c = await packContext(opts(root, { budget: 1500 }));
    expect(b.text).toBe(a.text);
    expect(c.text).toBe(a.text);
  });

  it("counts only the packed text, never file by file, and nothing again on a warm cache", async () => {
    const root = makeRepo(BASE_FILES);
    const cacheDir = mkdtempSync(path.join(os.tmpdir(), "spark-facts-"));
    const seen: string[] = [];
    const spy = async (t: string): Promise<number> => {
      seen.push(t);
      return byteTokens(t);
    };
    await packContext(opts(root, { cacheDir, countTokens: spy }));
    expect(seen).toHaveLength(1);
    expect(seen[0]?.startsWith("AGENTS.md")).toBe(true);
    seen.length = 0;
    FactsCache.forgetLoaded();
    await packContext(opts(root, { cacheDir, countTokens: spy }));
    expect(seen).toHaveLength(0); // the same text: its count comes from the cache
    writeFileSync(path.join(root, "src/zeta.ts"), "export const zeta = 2;\n");
    await packContext(opts(root, { cacheDir, countTokens: spy }));
    expect(seen).toHaveLength(1);
    expect(seen[0]).toContain("export const zeta = 2;\n");
  });

  it("orders stable files by path first and the targets and changed files last", async () => {
    const root = makeRepo(BASE_FILES);
    writeFiles(root, { "src/zeta.ts": "export const zeta = 3;\n", "new-notes.txt": "todo\n" });
    const packed = await packContext(opts(root, { targets: ["src/app.ts"] }));
    const order = packed.files.map((f) => f.path);
    expect(order).toEqual(["AGENTS.md", "docs/guide.md", "src/math.ts", "src/unrelated.ts", "new-notes.txt", "src/zeta.ts", "src/app.ts"]);
    expect(packed.files.map((f) => f.role)).toEqual(["instructions", "full", "full", "full", "full", "full", "target"]);
    expect(packed.files.map((f) => f.volatile)).toEqual([false, false, false, false, true, true, false]);
    // The tree listing comes before the files shown in full.
    const tree = packed.text.indexOf("Other files (not shown):");
    expect(tree).toBeGreaterThan(packed.text.indexOf("Use tabs."));
    expect(tree).toBeLessThan(packed.text.indexOf("docs/guide.md\n```"));
  });

  it("keeps the prefix when a target is edited", async () => {
    const root = makeRepo(BASE_FILES);
    const before = await packContext(opts(root, { targets: ["src/math.ts"] }));
    writeFileSync(path.join(root, "src/math.ts"), readFileSync(path.join(root, "src/math.ts"), "utf8").replace("0)", "0) + 0"));
    const after = await packContext(opts(root, { targets: ["src/math.ts"] }));
    let common = 0;
    while (common < before.text.length && before.text[common] === after.text[common]) common++;
    expect(common).toBeGreaterThanOrEqual(before.text.indexOf("src/math.ts\n```"));
    expect(common / after.text.length).toBeGreaterThan(0.9);
  });

  it("prefers files linked to the target by identifiers when the budget is tight", async () => {
    const root = makeRepo({
      "src/app.ts": BASE_FILES["src/app.ts"] ?? "",
      "src/math.ts": BASE_FILES["src/math.ts"] ?? "",
      "src/aaa.ts": "export const filler = 'x'.repeat(10);\n".repeat(2),
      "src/caller.ts": 'import { run } from "./app.js";\nrun();\n',
    });
    const all = await packContext(opts(root, { targets: ["src/app.ts"] }));
    const need = all.files.filter((f) => ["src/app.ts", "src/math.ts", "src/caller.ts"].includes(f.path)).reduce((n, f) => n + Buffer.byteLength(renderFileBlock(f.path, f.content)), 0);
    const packed = await packContext(opts(root, { targets: ["src/app.ts"], budget: need + 60 }));
    const order = packed.files.map((f) => f.path);
    expect(order).toContain("src/math.ts"); // defines computeTotal, which app.ts uses
    expect(order).toContain("src/caller.ts"); // uses run, which app.ts defines
    expect(packed.files.find((f) => f.path === "src/aaa.ts")?.role ?? "listed").not.toBe("full");
  });

  it("puts files named in the task ahead of the rest", async () => {
    const root = makeRepo({ "a/one.txt": lines("one", 20), "b/two.txt": lines("two", 20) });
    const one = await packContext(opts(root, { task: "look at two.txt please", budget: 420 }));
    expect(one.files.map((f) => f.path)).toEqual(["b/two.txt"]);
    expect(one.files[0]?.tier).toBe("named");
  });

  it("grades: full text where the ranking is sure, outlines for the next files, the listing for the rest", async () => {
    const lines = Array.from({ length: 12 }, (_, i) => `  const step${i} = x * ${i} + Math.floor(x / ${i + 1});`).join("\n");
    const body = (name: string): string => Array.from({ length: 8 }, (_, i) => `export function ${name}${i}(x: number): number {\n${lines}\n  return x;\n}`).join("\n") + "\n";
    const files: Record<string, string> = { "src/invoice-total.ts": `// invoice totals and rounding\n${body("invoiceTotal")}` };
    for (let i = 0; i < 12; i++) files[`src/mod${i}.ts`] = body(`helper${i}`);
    const root = makeRepo(files);
    const packed = await packContext(opts(root, { task: "round the invoice total", budget: 3200, countTokens: undefined }));
    const role = (p: string): string => packed.files.find((f) => f.path === p)?.role ?? "listed";
    expect(role("src/invoice-total.ts")).toBe("full");
    const roles = Object.keys(files).map(role);
    expect(roles.filter((r) => r === "map").length).toBeGreaterThan(0);
    expect(roles.filter((r) => r === "full")).toHaveLength(1);
    expect(packed.text).toContain("Outlines of more files");
    expect(packed.text).toMatch(/\n {2}export function helper\d+0\(x: number\): number\n/);
    expect(packed.exact).toBe(false);
    expect(packed.tokens).toBeLessThanOrEqual(3200);
    // Map entries come before the full text, sorted by path (the prefix does not depend on scores).
    const maps = packed.files.filter((f) => f.role === "map").map((f) => f.path);
    expect(maps).toEqual([...maps].sort());
    expect(packed.text.indexOf("Outlines of more files")).toBeLessThan(packed.text.indexOf("src/invoice-total.ts\n```"));
  });

  it("lists missing targets as new files", async () => {
    const root = makeRepo({ "a.txt": "a\n" });
    const packed = await packContext(opts(root, { targets: ["new/b.ts"] }));
    expect(packed.missingTargets).toEqual(["new/b.ts"]);
  });

  it("works in a repo without commits", async () => {
    const root = makeRepo({ "a.txt": "a\n" }, { commit: false });
    const packed = await packContext(opts(root));
    expect(packed.files.map((f) => f.path)).toEqual(["a.txt"]);
  });
});
