/**
 * The BM25 fields of a path (its file name's and its folders' term counts, encoded), memoized per
 * path in the process and carried to the next one by the facts cache: splitting and counting the
 * words of every path again was a sixth of a warm pack of a large repository. A function of the
 * path alone (and of the splitting and stemming: changing either must change the cache's version).
 */
import { encodeCounts, pathTerms } from "../terms.js";

/** One path's name and folder fields. */
export interface PathColumn {
  name: string;
  nameLength: number;
  dir: string;
  dirLength: number;
}

/** Paths kept in the memo before it starts over (a long-lived process packing many repos). */
const MAX_PATHS = 100_000;
const columns = new Map<string, PathColumn>();

/** The fields of `file`'s path. */
export function pathColumn(file: string): PathColumn {
  let c = columns.get(file);
  if (c === undefined) {
    const t = pathTerms(file);
    c = { name: encodeCounts(t.name), nameLength: sum(t.name), dir: encodeCounts(t.dir), dirLength: sum(t.dir) };
    if (columns.size > MAX_PATHS) columns.clear();
    columns.set(file, c);
  }
  return c;
}

/** The memo as columns (`SEP` never occurs in a path's terms; paths with it are left out). */
export interface SavedPathColumns {
  paths: string;
  names: string;
  dirs: string;
  /** Per path: name length, folder length. */
  lengths: Int32Array;
}

const SEP = "\u0001";

/** The memo, for the facts cache to save. */
export function savedPathColumns(): SavedPathColumns {
  const paths: string[] = [];
  const names: string[] = [];
  const dirs: string[] = [];
  const lengths: number[] = [];
  for (const [p, c] of columns) {
    if (p.includes(SEP)) continue;
    paths.push(p);
    names.push(c.name);
    dirs.push(c.dir);
    lengths.push(c.nameLength, c.dirLength);
  }
  return { paths: paths.join(SEP), names: names.join(SEP), dirs: dirs.join(SEP), lengths: Int32Array.from(lengths) };
}

/** Fills the memo from `savedPathColumns`' result. */
export function loadPathColumns(saved: SavedPathColumns): void {
  if (saved.paths.length === 0) return;
  const paths = saved.paths.split(SEP);
  const names = saved.names.split(SEP);
  const dirs = saved.dirs.split(SEP);
  if (names.length !== paths.length || dirs.length !== paths.length || saved.lengths.length !== paths.length * 2) return;
  paths.forEach((p, i) => {
    if (columns.has(p)) return;
    columns.set(p, { name: names[i] ?? " ", nameLength: saved.lengths[2 * i] ?? 0, dir: dirs[i] ?? " ", dirLength: saved.lengths[2 * i + 1] ?? 0 });
  });
}

function sum(m: ReadonlyMap<string, number>): number {
  let s = 0;
  for (const v of m.values()) s += v;
  return s;
}

/** Paths in the memo (the facts cache saves again when it grew). */
export function pathColumnCount(): number {
  return columns.size;
}
