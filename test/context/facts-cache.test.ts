import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FactsCache, packContext } from "../../src/context/index.js";
import { textFacts } from "../../src/context/facts.js";
import { encodedTermCounts } from "../../src/context/term-table.js";
import { encodeCounts, identifierTerms, loadIdentifierTerms, savedIdentifierTerms, termCounts } from "../../src/context/terms.js";
import { byteTokens, makeRepo } from "../agent/helpers.js";

const TEXTS = [
  "",
  "a b c",
  "export function parseHTTPRequest2Fast(req) { return RIPGREP_PATH + ripGrep.ts; }\n",
  "recordings recorded records record; the and of import export default",
  // two-byte text: words sliced from it must still count (and encode) the same
  "const naïve = '日本語'; // café → résumé\nfunction fooBar_bazQux() { return fooBar + fooBar; }\n",
  `${"x".repeat(64)} ${"y".repeat(65)} z9 9z a1b2c3 ABCDef ghiJKL`,
  "déjà vu, streamingMarkdown flashing rawText markdownStream",
];

describe("encodedTermCounts", () => {
  it("gives encodeCounts(termCounts(text)) byte for byte, terms in the same order, call after call", () => {
    for (let round = 0; round < 2; round++) {
      for (const text of TEXTS) {
        const counts = termCounts(text);
        let length = 0;
        for (const n of counts.values()) length += n;
        expect(encodedTermCounts(text)).toEqual({ encoded: encodeCounts(counts), length });
      }
    }
  });
});

describe("identifierTerms memo", () => {
  it("round-trips through its saved text, stop words and all", () => {
    for (const w of ["ripGrep", "the", "RIPGREP_PATH", "recordings"]) identifierTerms(w);
    const saved = savedIdentifierTerms();
    expect(saved.split("\n")).toContain("the");
    expect(saved.split("\n")).toContain("ripGrep rip grep ripgrep");
    loadIdentifierTerms(saved);
    expect(identifierTerms("ripGrep")).toEqual(["rip", "grep", "ripgrep"]);
    expect(identifierTerms("the")).toEqual([]);
  });
});

describe("FactsCache on disk", () => {
  it("reads back every field of what it wrote, non-ASCII outlines, names and specifiers included", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "spark-facts-"));
    const text = "import x from './ünïcode.js';\nexport function café() {}\nexport class Naïve {}\n// a long line\nexport function long(a = '" + "é".repeat(200) + "') {\n";
    const facts = textFacts("src/a.ts", text, Buffer.byteLength(text));
    const plain = textFacts("src/b.ts", "export const b = 1;\n", 20);
    const cache = await FactsCache.open(dir);
    cache.put("a".repeat(40), facts);
    cache.put("b".repeat(40), plain);
    await cache.save("/nowhere", new Set(), new Set(["a".repeat(40), "b".repeat(40)]));
    FactsCache.forgetLoaded();
    const again = await FactsCache.open(dir);
    expect(again.blob("a".repeat(40))).toEqual(facts);
    expect(again.blob("b".repeat(40))).toEqual(plain);
    expect(facts.outline).toContain("…");
  });

  it("packs the same text from a cache read back in a new process as cold", async () => {
    const root = makeRepo({
      "src/stream.ts": "export function streamMarkdown(raw: string) { return raw.replace(/→/g, '->'); }\n",
      "src/render.ts": 'import { streamMarkdown } from "./stream.js";\nexport const renderé = () => streamMarkdown("naïve");\n',
      "README.md": "# Streaming — markdown\nRaw text flashes.\n",
    });
    const cacheDir = mkdtempSync(path.join(os.tmpdir(), "spark-facts-"));
    const opts = { root, task: "stop streaming markdown from flashing raw text", budget: 400, countTokens: byteTokens, tokenizer: "bytes", cacheDir };
    FactsCache.forgetLoaded();
    const cold = await packContext(opts);
    FactsCache.forgetLoaded();
    const warm = await packContext(opts);
    expect(warm.text).toBe(cold.text);
    expect(warm.ranking).toEqual(cold.ranking);
    expect(warm.files.map((f) => [f.path, f.role])).toEqual(cold.files.map((f) => [f.path, f.role]));
  });
});
