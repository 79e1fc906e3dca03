/**
 * The import graph: which repository files a file imports (relative specifiers, `@/` and `~/`
 * aliases, Python relative modules), resolved against the listed files, and the reverse edges.
 * Test files pair with the module they test (`x.test.ts` ↔ `x.ts`) even without an import.
 * Resolved graphs are memoized by their inputs (every path and its specifiers) and carried to the
 * next process by the facts cache: resolving a large repository's imports was a sixth of a warm pack.
 */
import { createHash } from "node:crypto";

const EXTENSIONS = ["", ".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts", ".vue", ".svelte", ".py", ".json", ".css", ".scss"];
const INDEXES = ["/index.ts", "/index.tsx", "/index.js", "/index.jsx", "/index.mjs", "/__init__.py", "/mod.rs"];

/** Edges between files, both directions. */
export interface ImportGraph {
  /** file → files it imports */
  imports: Map<string, string[]>;
  /** file → files importing it */
  importers: Map<string, string[]>;
}

/** Resolves `spec` imported by `from` to a path in `files` (undefined: a package or unknown). */
export function resolveImport(from: string, spec: string, files: ReadonlySet<string>, bySuffix: ReadonlyMap<string, string[]>): string | undefined {
  let base: string | undefined;
  if (spec.startsWith("./") || spec.startsWith("../") || spec === "." || spec === "..") {
    base = joinPath(dirOf(from), spec);
  } else if (/^\.+\w/.test(spec)) {
    // Python: from .module import x / from ..pkg.module import y
    const dots = /^\.+/.exec(spec)?.[0].length ?? 1;
    let dir = dirOf(from);
    for (let i = 1; i < dots; i++) dir = dirOf(dir);
    base = joinPath(dir, spec.slice(dots).replace(/\./g, "/"));
  } else if (spec.startsWith("@/") || spec.startsWith("~/")) {
    return bySuffixLookup(spec.slice(2), bySuffix);
  } else return undefined;
  if (base === undefined) return undefined;
  const candidates = [base];
  // TypeScript's ESM style: "./x.js" names x.ts
  const js = /\.(m|c)?jsx?$/.exec(base);
  if (js) candidates.push(base.slice(0, -js[0].length));
  for (const c of candidates) {
    for (const ext of EXTENSIONS) if (files.has(c + ext)) return c + ext;
    for (const idx of INDEXES) if (files.has(c + idx)) return c + idx;
  }
  return undefined;
}

/** Index of "path without extension" suffixes by last segment, for alias lookups. */
export function suffixIndex(files: Iterable<string>): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const f of files) {
    const noExt = stripExtension(f);
    const last = noExt.slice(noExt.lastIndexOf("/") + 1);
    const list = index.get(last);
    if (list === undefined) index.set(last, [f]);
    else list.push(f);
  }
  return index;
}

function bySuffixLookup(rest: string, bySuffix: ReadonlyMap<string, string[]>): string | undefined {
  const clean = stripExtension(rest.replace(/\/$/, ""));
  const last = clean.slice(clean.lastIndexOf("/") + 1);
  const hits = (bySuffix.get(last) ?? []).filter((f) => stripExtension(f).endsWith(`/${clean}`) || stripExtension(f) === clean);
  if (hits.length === 1) return hits[0];
  const index = bySuffix.get("index")?.filter((f) => stripExtension(f).endsWith(`/${clean}/index`));
  return index?.length === 1 ? index[0] : undefined;
}

/** Graphs kept in the memo (and saved): a few checkouts or branches of the same repository. */
const MAX_GRAPHS = 4;
/** Inputs' hash → edges: a line per importing file, "i j k" (it imports files j and k), in file order. */
const graphs = new Map<string, string>();

/** Builds the graph from each file's import specifiers (from the memo when the inputs are known). */
export function buildImportGraph(files: readonly { path: string; imports: string }[]): ImportGraph {
  const hash = createHash("sha1");
  for (const f of files) hash.update(f.path).update("\0").update(f.imports).update("\n");
  const key = hash.digest("hex");
  const saved = graphs.get(key);
  if (saved !== undefined) {
    graphs.delete(key);
    graphs.set(key, saved);
    return fromEdges(files, saved);
  }
  const graph = resolveGraph(files);
  const edges = toEdges(files, graph);
  if (edges !== undefined) {
    graphs.set(key, edges);
    for (const old of graphs.keys()) if (graphs.size > MAX_GRAPHS) graphs.delete(old);
  }
  return graph;
}

/** The memo, newest last, for the facts cache to save. */
export function savedImportGraphs(): [string, string][] {
  return [...graphs];
}

/** Fills the memo from `savedImportGraphs`' result. */
export function loadImportGraphs(saved: readonly [string, string][]): void {
  for (const [key, edges] of saved) if (!graphs.has(key)) graphs.set(key, edges);
}

/** `graph`'s edges by file index; undefined when a path is listed twice (indexes would be ambiguous). */
function toEdges(files: readonly { path: string }[], graph: ImportGraph): string | undefined {
  const index = new Map(files.map((f, i) => [f.path, i]));
  if (index.size !== files.length) return undefined;
  const lines: string[] = [];
  for (const [from, targets] of graph.imports) lines.push([from, ...targets].map((p) => index.get(p) ?? -1).join(" "));
  return lines.join("\n");
}

/** The graph `toEdges` wrote, in the same order (importers listed as `resolveGraph` lists them). */
function fromEdges(files: readonly { path: string }[], edges: string): ImportGraph {
  const imports = new Map<string, string[]>();
  const importers = new Map<string, string[]>();
  if (edges.length === 0) return { imports, importers };
  const at = (i: string): string => files[Number(i)]?.path ?? "";
  for (const line of edges.split("\n")) {
    const ids = line.split(" ");
    const from = at(ids[0] ?? "");
    const out: string[] = [];
    for (let k = 1; k < ids.length; k++) out.push(at(ids[k] ?? ""));
    imports.set(from, out);
    for (const t of out) {
      const list = importers.get(t);
      if (list === undefined) importers.set(t, [from]);
      else list.push(from);
    }
  }
  return { imports, importers };
}

/** Resolves every file's specifiers against the listed files. */
function resolveGraph(files: readonly { path: string; imports: string }[]): ImportGraph {
  const set = new Set(files.map((f) => f.path));
  const bySuffix = suffixIndex(set);
  const imports = new Map<string, string[]>();
  const importers = new Map<string, string[]>();
  // An alias resolves the same from every file, and its lookup filters lists of candidates: cline
  // imports 355 distinct aliases 2,320 times.
  const aliases = new Map<string, string | undefined>();
  for (const f of files) {
    if (f.imports.length === 0) continue;
    const out = new Set<string>();
    for (const spec of f.imports.split(" ")) {
      const alias = spec.startsWith("@/") || spec.startsWith("~/");
      const target = alias && aliases.has(spec) ? aliases.get(spec) : resolveImport(f.path, spec, set, bySuffix);
      if (alias) aliases.set(spec, target);
      if (target !== undefined && target !== f.path) out.add(target);
    }
    if (out.size === 0) continue;
    imports.set(f.path, [...out]);
    for (const t of out) {
      const list = importers.get(t);
      if (list === undefined) importers.set(t, [f.path]);
      else list.push(f.path);
    }
  }
  return { imports, importers };
}

/** The module a test file tests ("a/x.test.ts" → "x"), or undefined for a file that is not a test. */
export function testedName(file: string): string | undefined {
  const base = file.slice(file.lastIndexOf("/") + 1);
  const m = /^(.+?)[._-](?:test|spec|tests|e2e)\.[\w.]+$/.exec(base) ?? /^test_(.+)\.py$/.exec(base);
  return m?.[1];
}

/**
 * Test ↔ module pairs (`x.test.ts` ↔ `x.ts`, `__tests__/x.spec.tsx` ↔ `x.tsx`) in the same part
 * of the tree (see `nearPaths`): each path with a partner → its partners.
 */
export function testPartners(paths: Iterable<string>): Map<string, string[]> {
  const byModule = new Map<string, string[]>();
  const tests: [string, string][] = [];
  for (const p of paths) {
    const tested = testedName(p);
    if (tested !== undefined) tests.push([p, tested]);
    else {
      const key = moduleName(p);
      const list = byModule.get(key);
      if (list === undefined) byModule.set(key, [p]);
      else list.push(p);
    }
  }
  const out = new Map<string, string[]>();
  const link = (a: string, b: string): void => {
    const list = out.get(a);
    if (list === undefined) out.set(a, [b]);
    else list.push(b);
  };
  for (const [test, tested] of tests) {
    for (const m of byModule.get(tested) ?? []) {
      if (!nearPaths(test, m)) continue;
      link(test, m);
      link(m, test);
    }
  }
  return out;
}

/** Two paths in the same part of the tree: they share all but the last two folders of the shallower. */
export function nearPaths(a: string, b: string): boolean {
  const da = a.split("/").slice(0, -1);
  const db = b.split("/").slice(0, -1);
  let common = 0;
  while (common < da.length && common < db.length && da[common] === db[common]) common++;
  return common >= Math.min(da.length, db.length) - 2;
}

/** "a/b/x.test.ts" → "x"; "a/x.ts" → "x" (the name before the first dot). */
export function moduleName(file: string): string {
  const base = file.slice(file.lastIndexOf("/") + 1);
  const dot = base.indexOf(".");
  return dot > 0 ? base.slice(0, dot) : base;
}

function dirOf(p: string): string {
  const slash = p.lastIndexOf("/");
  return slash < 0 ? "" : p.slice(0, slash);
}

function joinPath(dir: string, rel: string): string | undefined {
  const parts = dir.length > 0 ? dir.split("/") : [];
  for (const seg of rel.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(seg);
  }
  return parts.join("/");
}

function stripExtension(p: string): string {
  const slash = p.lastIndexOf("/");
  const dot = p.lastIndexOf(".");
  return dot > slash + 1 ? p.slice(0, dot) : p;
}
