import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { deserialize } from "node:v8";
import { describe, expect, it } from "vitest";
import { FactsCache, packContext } from "../../src/context/index.js";
import { buildImportGraph, savedImportGraphs } from "../../src/context/rank/graph.js";
import { loadPathColumns, pathColumn, savedPathColumns } from "../../src/context/rank/path-columns.js";
import { encodeCounts, pathTerms } from "../../src/context/terms.js";
import { makeRepo } from "../agent/helpers.js";

describe("import graph memo", () => {
  it("gives the resolved graph again, edges in the same order, and keeps it for the cache", () => {
    const files = [
      { path: "src/a.ts", imports: "./c.js ./b react" },
      { path: "src/b/index.ts", imports: "../a.js ../c" },
      { path: "src/c.tsx", imports: "./a" },
      { path: "src/d.ts", imports: "" },
    ];
    const first = buildImportGraph(files);
    const again = buildImportGraph(files);
    expect([...again.imports]).toEqual([...first.imports]);
    expect([...again.importers]).toEqual([...first.importers]);
    expect([...first.imports]).toEqual([
      ["src/a.ts", ["src/c.tsx", "src/b/index.ts"]],
      ["src/b/index.ts", ["src/a.ts", "src/c.tsx"]],
      ["src/c.tsx", ["src/a.ts"]],
    ]);
    expect(savedImportGraphs().at(-1)?.[1]).toBe("0 2 1\n1 0 2\n2 0");
    // Another file set is another graph, not the memo's.
    expect(buildImportGraph(files.slice(1)).imports.get("src/b/index.ts")).toEqual(["src/c.tsx"]);
  });
});

describe("path column memo", () => {
  it("round-trips through its saved columns, and a loaded column is used as is", () => {
    const p = "src/streaming/markdownView.tsx";
    const t = pathTerms(p);
    expect(pathColumn(p).name).toBe(encodeCounts(t.name));
    const saved = savedPathColumns();
    const at = saved.paths.split("\u0001").indexOf(p);
    expect(at).toBeGreaterThanOrEqual(0);
    expect(saved.names.split("\u0001")[at]).toBe(encodeCounts(t.name));
    loadPathColumns({ paths: "zz/made-up.ts", names: " made:1 ", dirs: " zz:1 ", lengths: Int32Array.from([1, 1]) });
    expect(pathColumn("zz/made-up.ts")).toEqual({ name: " made:1 ", nameLength: 1, dir: " zz:1 ", dirLength: 1 });
  });
});

describe("FactsCache and the ranking memos", () => {
  it("writes the pack's path columns and import graph into the cache file", async () => {
    const root = makeRepo({
      "src/stream.ts": "export function streamMarkdown(raw: string) { return raw; }\n",
      "src/render.ts": 'import { streamMarkdown } from "./stream.js";\nexport const render = () => streamMarkdown("x");\n',
    });
    const cacheDir = mkdtempSync(path.join(os.tmpdir(), "spark-memos-"));
    FactsCache.forgetLoaded();
    await packContext({ root, task: "streaming markdown render", budget: 4000, cacheDir });
    const [file] = readdirSync(cacheDir);
    const stored = deserialize(readFileSync(path.join(cacheDir, file ?? ""))) as { pathColumns: { paths: string }; graphs: [string, string][] };
    expect(stored.pathColumns.paths.split("\u0001")).toEqual(expect.arrayContaining(["src/render.ts", "src/stream.ts"]));
    expect(stored.graphs.some(([, edges]) => edges === "0 1")).toBe(true);
  });
});
