/**
 * The import graph: which repository files a file imports (relative specifiers, `@/` and `~/`
 * aliases, Python relative modules), resolved against the listed files, and the reverse edges.
 * Test files pair with the module they test (`x.test.ts` ↔ `x.ts`) even without an import.
 */

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

/** Builds the graph from each file's import specifiers. */
export function buildImportGraph(files: readonly { path: string; imports: string }[]): ImportGraph {
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
