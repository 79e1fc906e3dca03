/**
 * Relevance ranking: targets first, then files the task names, then files linked to those by
 * identifiers (defined here and used there, or the reverse), then recently changed files.
 * Pure: the same inputs always give the same order.
 */
import { taskWords } from "./identifiers.js";

/** What ranking needs to know about a file. */
export interface RankInput {
  path: string;
  dirty: boolean;
  /** Names defined, space-separated. */
  defs: string;
  /** Names mentioned, space-separated. */
  idents: string;
}

/** Ranking inputs beyond the files. */
export interface RankOptions {
  /** Paths the user named as the edit scope, in their order. */
  targets: readonly string[];
  task: string;
  /** Most recently changed first (git log). */
  recent: readonly string[];
}

/** Why a file is where it is, for ordering and for tests. */
export type RankTier = "target" | "named" | "linked" | "other";

export interface Ranked {
  path: string;
  tier: RankTier;
  score: number;
}

/** A name defined by more files than this links nothing (think `main`, `init`). */
const MAX_DEFINERS = 8;
const TIER_ORDER: Record<RankTier, number> = { target: 0, named: 1, linked: 2, other: 3 };

/** Paths of `files` that `task` mentions: by full path, by path suffix, or by basename. */
export function filesNamedInTask(task: string, files: readonly { path: string }[]): string[] {
  const mentions = new Set(task.match(/[\w./@-]+\.[\w]+|[\w./@-]+\/[\w.@-]+/g) ?? []);
  if (mentions.size === 0) return [];
  const named: string[] = [];
  for (const f of files) {
    const base = f.path.slice(f.path.lastIndexOf("/") + 1);
    for (const m of mentions) {
      const clean = m.replace(/^\.\//, "").replace(/[.,:;]+$/, "");
      if (clean === f.path || clean === base || (clean.includes("/") && f.path.endsWith(`/${clean}`))) {
        named.push(f.path);
        break;
      }
    }
  }
  return named;
}

/** Ranks `files`; every input file appears once in the result, best first. */
export function rankFiles(files: readonly RankInput[], opts: RankOptions): Ranked[] {
  const targets = new Set(opts.targets);
  const named = new Set(filesNamedInTask(opts.task, files).filter((p) => !targets.has(p)));
  const focus = files.filter((f) => targets.has(f.path) || named.has(f.path));

  const words = (s: string): string[] => (s.length > 0 ? s.split(" ") : []);
  // Names the focus files (or, without any, the task) use → the files that define them.
  const used = new Set<string>(focus.length > 0 ? focus.flatMap((f) => words(f.idents)) : taskWords(opts.task));
  const definers = new Map<string, string[]>();
  for (const f of files) {
    if (f.defs.length === 0) continue;
    for (const d of words(f.defs)) {
      if (!used.has(d)) continue;
      const list = definers.get(d);
      if (list === undefined) definers.set(d, [f.path]);
      else if (list.length <= MAX_DEFINERS) list.push(f.path);
    }
  }

  const link = new Map<string, number>();
  const add = (file: string, weight: number): void => {
    if (!targets.has(file) && !named.has(file)) link.set(file, (link.get(file) ?? 0) + weight);
  };
  for (const defs of definers.values()) {
    if (defs.length <= MAX_DEFINERS) for (const file of defs) add(file, 1 / defs.length);
  }
  // Names the focus files define → the files that use them.
  const defined = [...new Set(focus.flatMap((f) => words(f.defs)))].map((d) => ` ${d} `);
  if (defined.length > 0) {
    for (const f of files) {
      const padded = ` ${f.idents} `;
      let hits = 0;
      for (const d of defined) if (padded.includes(d)) hits++;
      if (hits > 0) add(f.path, Math.min(hits, 5) * 0.5);
    }
  }

  const recency = new Map<string, number>();
  opts.recent.forEach((file, i) => recency.set(file, 1 / (1 + i / 10)));

  // Most files of a big repo score nothing: only the others need the full sort; the rest stay
  // in path order.
  const targetIndex = new Map(opts.targets.map((t, i) => [t, i]));
  const scored: Ranked[] = [];
  const plain: Ranked[] = [];
  let sorted = true;
  for (let i = 0; i < files.length; i++) {
    const f = files[i] as RankInput;
    const l = link.get(f.path) ?? 0;
    const tier: RankTier = targets.has(f.path) ? "target" : named.has(f.path) ? "named" : l > 0 ? "linked" : "other";
    const score = l * 10 + (recency.get(f.path) ?? 0) + (f.dirty ? 0.5 : 0);
    if (tier === "other" && score === 0) {
      const prev = plain[plain.length - 1];
      if (prev !== undefined && prev.path > f.path) sorted = false;
      plain.push({ path: f.path, tier, score });
    } else scored.push({ path: f.path, tier, score });
  }
  const byPath = (a: Ranked, b: Ranked): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  scored.sort(
    (a, b) =>
      TIER_ORDER[a.tier] - TIER_ORDER[b.tier] || (targetIndex.get(a.path) ?? 0) - (targetIndex.get(b.path) ?? 0) || b.score - a.score || byPath(a, b),
  );
  if (!sorted) plain.sort(byPath);
  return scored.concat(plain);
}
