import { isBlank, leading, plain } from "./normalize.js";

/** How a match was found, from strict to loose. */
export type MatchStage = "exact" | "trailing-whitespace" | "indentation" | "unicode" | "elision" | "anchors";

/** Indentation the model lost (`add`: put it back) or invented (`remove`: take it off). */
export type IndentDelta = { add: string } | { remove: string } | undefined;

/** A place in the file where the SEARCH lines fit. */
export interface Candidate {
  start: number;
  /** Exclusive. */
  end: number;
  stage: MatchStage;
  /** For each SEARCH line, the file line it matched (undefined: none, e.g. under anchors). */
  map: (number | undefined)[];
  delta: IndentDelta;
  /** Similarity of the middle under `anchors` (1 elsewhere). */
  score: number;
}

interface LineStage {
  name: MatchStage;
  key: (line: string) => string;
  /** Leading whitespace compared separately, one consistent offset for the whole block. */
  flexIndent: boolean;
}

const trimEnd = (s: string): string => s.trimEnd();

/** Stages 1–4 of the matching chain, in order. */
export const LINE_STAGES: readonly LineStage[] = [
  { name: "exact", key: (s) => s, flexIndent: false },
  { name: "trailing-whitespace", key: trimEnd, flexIndent: false },
  { name: "indentation", key: (s) => s.trim(), flexIndent: true },
  { name: "unicode", key: (s) => plain(s).trim(), flexIndent: true },
];

/**
 * The offset from a SEARCH line's indentation to its file line's (`lead` reads the indentation;
 * default: leading whitespace); null when neither contains the other.
 */
export function deltaBetween(fileLine: string, searchLine: string, lead: (s: string) => string = leading): IndentDelta | null {
  const fl = lead(fileLine);
  const sl = lead(searchLine);
  if (fl === sl) return undefined;
  if (fl.endsWith(sl)) return { add: fl.slice(0, fl.length - sl.length) };
  if (sl.endsWith(fl)) return { remove: sl.slice(0, sl.length - fl.length) };
  return null;
}

/** One consistent indentation offset between file and SEARCH lines, or null when there is none. */
export function indentDelta(file: readonly string[], start: number, search: readonly string[], lead: (s: string) => string): IndentDelta | null {
  let delta: IndentDelta = undefined;
  let seen = false;
  for (let k = 0; k < search.length; k++) {
    const s = search[k] ?? "";
    if (isBlank(s)) continue;
    const fl = lead(file[start + k] ?? "");
    const sl = lead(s);
    if (!seen) {
      seen = true;
      const first = deltaBetween(file[start + k] ?? "", s, lead);
      if (first === null) return null;
      delta = first;
      continue;
    }
    if (delta === undefined ? fl !== sl : "add" in delta ? fl !== delta.add + sl : sl !== delta.remove + fl) return null;
  }
  return seen ? delta : undefined;
}

/** Cache of per-stage keys of the file's lines (the same file is searched many times). */
export class KeyCache {
  private readonly keys = new Map<MatchStage, string[]>();
  constructor(readonly file: readonly string[]) {}
  get(stage: LineStage): string[] {
    let k = this.keys.get(stage.name);
    if (!k) {
      k = this.file.map(stage.key);
      this.keys.set(stage.name, k);
    }
    return k;
  }
}

/** Candidates of one stage within file lines [from, to). */
export function locateAt(cache: KeyCache, stage: LineStage, search: readonly string[], from = 0, to = cache.file.length): Candidate[] {
  const file = cache.file;
  const fk = cache.get(stage);
  const sk = search.map(stage.key);
  const m = search.length;
  const out: Candidate[] = [];
  if (m === 0) return out;
  const first = sk[0];
  const lead = stage.name === "unicode" ? (s: string) => leading(plain(s)) : leading;
  for (let i = from; i + m <= to; i++) {
    if (fk[i] !== first) continue;
    let k = 1;
    while (k < m && fk[i + k] === sk[k]) k++;
    if (k < m) continue;
    let delta: IndentDelta = undefined;
    if (stage.flexIndent) {
      const d = indentDelta(file, i, search, lead);
      if (d === null) continue;
      delta = d;
    }
    out.push({ start: i, end: i + m, stage: stage.name, map: search.map((_, j) => i + j), delta, score: 1 });
  }
  return out;
}

/** Stages 1–4: the candidates of the first stage that finds any. */
export function locateLines(cache: KeyCache, search: readonly string[], from = 0, to = cache.file.length): Candidate[] {
  for (const stage of LINE_STAGES) {
    const found = locateAt(cache, stage, search, from, to);
    if (found.length > 0) return found;
  }
  return [];
}
