/**
 * Okapi BM25 over forward indexes: each document keeps its own term → count string
 * (`encodeCounts`), cached per blob. A task has a handful of terms, so scoring scans the documents
 * once per term; no inverted index is built, which is what lets a pack skip indexing entirely.
 * (minisearch and similar libraries build an inverted index of every term of every file on each
 * load; for a 10-word query over a few thousand cached files a scan is cheaper and needs nothing
 * but the per-blob cache.)
 */
import { countIn } from "../terms.js";

/** One field of every document: its encoded counts and length (terms with repeats). */
export interface FieldColumn {
  counts: readonly string[];
  lengths: ArrayLike<number>;
}

/** BM25 parameters (the usual defaults). */
export interface Bm25Params {
  /** Term-frequency saturation. Default 1.2. */
  k1?: number;
  /** Length normalisation. Default 0.75. */
  b?: number;
}

/** Inverse document frequency (BM25's, never negative). */
export function idf(documents: number, withTerm: number): number {
  return Math.log(1 + (documents - withTerm + 0.5) / (withTerm + 0.5));
}

/**
 * Adds `weight` × BM25(`terms`) of every document in `field` to `scores`. `termWeights` scale
 * single terms (default 1).
 */
export function addBm25(scores: Float64Array, field: FieldColumn, terms: readonly string[], weight: number, params: Bm25Params = {}, termWeights?: ReadonlyMap<string, number>): void {
  const k1 = params.k1 ?? 1.2;
  const b = params.b ?? 0.75;
  const n = field.counts.length;
  if (n === 0) return;
  let total = 0;
  for (let i = 0; i < n; i++) total += field.lengths[i] ?? 0;
  const avg = Math.max(1, total / n);
  const hits: number[] = [];
  const tfs: number[] = [];
  for (const term of terms) {
    hits.length = 0;
    tfs.length = 0;
    for (let i = 0; i < n; i++) {
      const tf = countIn(field.counts[i] ?? "", term);
      if (tf > 0) {
        hits.push(i);
        tfs.push(tf);
      }
    }
    if (hits.length === 0) continue;
    const w = weight * idf(n, hits.length) * (termWeights?.get(term) ?? 1);
    for (let j = 0; j < hits.length; j++) {
      const i = hits[j] as number;
      const tf = tfs[j] as number;
      const norm = 1 - b + (b * (field.lengths[i] ?? 0)) / avg;
      scores[i] = (scores[i] ?? 0) + (w * (tf * (k1 + 1))) / (tf + k1 * norm);
    }
  }
}
