/**
 * Ranks every candidate file for a task. Signals, each a known one:
 * - BM25 of the task's terms over four fields: the file name, its folders, the names it
 *   declares, and its whole text (IDF makes common words weigh little);
 * - files the task names (path, suffix, or base name with or without its extension);
 * - neighbours of the strongest hits: files they import or that import them, their tests;
 * - files that changed together with them in recent history (co-change);
 * - recency as a prior that scales a score, never a tier of its own.
 */
import type { BlobFacts } from "../facts.js";
import { countIn, queryTerms } from "../terms.js";
import { addBm25, type FieldColumn } from "./bm25.js";
import { buildImportGraph, testPartners, type ImportGraph } from "./graph.js";
import { coChanged, recencyPrior } from "./history.js";
import { filesNamedInTask } from "./named.js";
import { pathColumn } from "./path-columns.js";

/** One file to rank. */
export interface RankInput {
  path: string;
  dirty: boolean;
  facts: Pick<BlobFacts, "body" | "bodyLength" | "defTerms" | "imports">;
}

/**
 * How much each signal counts. Defaults were tuned on every 4th commit of cline/cline's
 * retrieval-dev.jsonl and checked on the other 90 (bench/retrieval/README.md): on those, mean
 * reciprocal rank of the changed files 0.255 (first guesses) → 0.278 → 0.321 (with the commit
 * scope, weaker co-change and import spreading).
 */
export interface RankWeights {
  name: number;
  dir: number;
  defs: number;
  body: number;
  /** Share of a seed's score given to files it imports or that import it. */
  imports: number;
  /** Share of a seed's score given to its test (or the module a seed test tests). */
  tests: number;
  /** Share of a seed's score × co-change rate given to files that changed with it. */
  coChange: number;
  /** Scores grow by this share for the newest changes (fading with age). */
  recency: number;
  /** Score of a file the task names, on top of its own. */
  named: number;
  /** Strongest hits whose neighbours are boosted. */
  seeds: number;
  /** BM25's length normalisation of the whole-text field (0: none, 1: full). */
  lengthNorm: number;
  /**
   * Scores of files under a folder named by the task's conventional-commit scope ("fix(cli): …"
   * → apps/cli/…) grow by this share.
   */
  scope: number;
}

export const DEFAULT_WEIGHTS: RankWeights = {
  name: 1.5,
  dir: 1,
  defs: 3,
  body: 2,
  imports: 0.15,
  tests: 0.6,
  coChange: 0.25,
  recency: 0.5,
  named: 10,
  seeds: 5,
  lengthNorm: 0.5,
  scope: 0.3,
};

/** Ranking inputs beyond the files. */
export interface RankOptions {
  task: string;
  /** Paths the user named as the edit scope, in their order. */
  targets?: readonly string[];
  /** Recent commits' files, newest first. */
  history?: readonly string[][];
  weights?: Partial<RankWeights>;
}

/** Where a file sits: scope files first, then files the task names, then by score. */
export type RankTier = "target" | "named" | "ranked";

export interface Ranked {
  path: string;
  tier: RankTier;
  score: number;
}

const TIER_ORDER: Record<RankTier, number> = { target: 0, named: 1, ranked: 2 };

/** Ranks `files`; every input file appears once, best first (ties by path). */
export function rankFiles(files: readonly RankInput[], opts: RankOptions): Ranked[] {
  const w = { ...DEFAULT_WEIGHTS, ...opts.weights };
  const n = files.length;
  const terms = queryTerms(opts.task);
  const scores = new Float64Array(n);
  if (terms.length > 0) {
    const cols = files.map((f) => pathColumn(f.path));
    const field = (counts: string[], lengths: number[]): FieldColumn => ({ counts, lengths });
    addBm25(scores, field(cols.map((c) => c.name), cols.map((c) => c.nameLength)), terms, w.name);
    addBm25(scores, field(cols.map((c) => c.dir), cols.map((c) => c.dirLength)), terms, w.dir);
    addBm25(scores, field(files.map((f) => f.facts.defTerms), files.map((f) => termTotal(f.facts.defTerms))), terms, w.defs);
    addBm25(scores, field(files.map((f) => f.facts.body), files.map((f) => f.facts.bodyLength)), terms, w.body, { b: w.lengthNorm });
  }
  const inScope = scopedFiles(files, opts.task);
  if (w.scope > 0) for (const i of inScope) scores[i] = (scores[i] ?? 0) * (1 + w.scope);
  const index = new Map(files.map((f, i) => [f.path, i]));
  const targets = new Set(opts.targets ?? []);
  const named = new Set(filesNamedInTask(opts.task, files).filter((p) => !targets.has(p)));
  let top = 0;
  for (const s of scores) top = Math.max(top, s);
  for (const p of named) bump(scores, index, p, w.named + top);

  // Seeds: the scope, the named files, then the strongest hits.
  const seeds = new Map<string, number>();
  for (const t of targets) seeds.set(t, Math.max(top, 1));
  for (const p of named) seeds.set(p, scores[index.get(p) ?? -1] ?? 0);
  const order = [...scores.keys()].filter((i) => (scores[i] ?? 0) > 0).sort((a, b) => (scores[b] ?? 0) - (scores[a] ?? 0));
  for (const i of order.slice(0, w.seeds)) {
    const f = files[i];
    if (f !== undefined && !seeds.has(f.path)) seeds.set(f.path, scores[i] ?? 0);
  }

  const extra = new Float64Array(n);
  if (seeds.size > 0) {
    spreadImports(extra, index, buildImportGraph(files.map((f) => ({ path: f.path, imports: f.facts.imports }))), seeds, w.imports);
    spreadTests(extra, files, index, seeds, w.tests);
    const together = coChanged(opts.history ?? [], new Set(seeds.keys()));
    for (const [seed, row] of together) {
      const s = seeds.get(seed) ?? 0;
      for (const [f, rate] of row) bump(extra, index, f, w.coChange * s * rate);
    }
  }
  const recency = recencyPrior(opts.history ?? []);
  const ranked: Ranked[] = files.map((f, i) => {
    const base = (scores[i] ?? 0) + (extra[i] ?? 0) * (inScope.has(i) ? 1 + w.scope : 1);
    const prior = (recency.get(f.path) ?? 0) + (f.dirty ? 1 : 0);
    const score = base * (1 + w.recency * prior) + 0.02 * w.recency * prior;
    const tier: RankTier = targets.has(f.path) ? "target" : named.has(f.path) ? "named" : "ranked";
    return { path: f.path, tier, score };
  });
  const targetOrder = [...targets];
  ranked.sort(
    (a, b) =>
      TIER_ORDER[a.tier] - TIER_ORDER[b.tier] ||
      targetOrder.indexOf(a.path) - targetOrder.indexOf(b.path) ||
      b.score - a.score ||
      (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
  );
  return ranked;
}

/** The scope of a conventional-commit subject ("fix(cli): …" → "cli"; "feat(a,b)!: …" → "a,b"). */
export function commitScope(task: string): string | undefined {
  return /^\s*[a-z]+\(([^)]{1,40})\)!?:/i.exec(task)?.[1];
}

/** Indexes of the files with a folder matching a term of the task's commit scope. */
function scopedFiles(files: readonly RankInput[], task: string): Set<number> {
  const scope = commitScope(task);
  const out = new Set<number>();
  if (scope === undefined) return out;
  const terms = queryTerms(scope);
  files.forEach((f, i) => {
    const dir = pathColumn(f.path).dir;
    if (terms.some((t) => countIn(dir, t) > 0)) out.add(i);
  });
  return out;
}

function bump(scores: Float64Array, index: ReadonlyMap<string, number>, file: string, by: number): void {
  const i = index.get(file);
  if (i !== undefined) scores[i] = (scores[i] ?? 0) + by;
}

/** A seed lends a share of its score to its imports and importers; a hub lends each less. */
function spreadImports(extra: Float64Array, index: ReadonlyMap<string, number>, graph: ImportGraph, seeds: ReadonlyMap<string, number>, share: number): void {
  for (const [seed, s] of seeds) {
    const out = graph.imports.get(seed) ?? [];
    const inn = graph.importers.get(seed) ?? [];
    const damp = share / Math.log(Math.E + out.length + inn.length);
    for (const f of out) bump(extra, index, f, s * damp);
    for (const f of inn) bump(extra, index, f, s * damp);
  }
}

/** A seed's tests, or the module a seed test tests, in the same part of the tree. */
function spreadTests(extra: Float64Array, files: readonly RankInput[], index: ReadonlyMap<string, number>, seeds: ReadonlyMap<string, number>, share: number): void {
  const partners = testPartners(files.map((f) => f.path));
  for (const [seed, s] of seeds) for (const p of partners.get(seed) ?? []) bump(extra, index, p, s * share);
}

function termTotal(encoded: string): number {
  let n = 0;
  let v = 0;
  for (let i = 0; i < encoded.length; i++) {
    const c = encoded.charCodeAt(i);
    if (c === 58) v = 0; // ':'
    else if (c >= 48 && c <= 57) v = v * 10 + (c - 48);
    else if (c === 32) {
      n += v;
      v = 0;
    }
  }
  return n;
}
