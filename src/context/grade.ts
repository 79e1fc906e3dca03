/**
 * How each ranked file appears, within a token budget: the edit targets and the files the ranking
 * is confident about in full text, the next ones as outlines (the repo map), the rest only in the
 * tree listing. Room left once the map has every outline goes back to full text, best first.
 */
import { renderMapEntry } from "./map.js";
import { testPartners } from "./rank/graph.js";
import type { RankTier } from "./rank/rank.js";
import { estimateTokens } from "./tokens.js";
import { MAX_TREE_LEVEL, TreeListing } from "./tree.js";

/** A ranked file with what each grade would cost. */
export interface GradeInput {
  path: string;
  tier: RankTier;
  score: number;
  /** Estimated tokens of the full block. */
  fullTokens: number;
  /** Outline lines ("" when the file declares nothing recognisable). */
  outline: string;
}

/** A file's grade. */
export interface Grade {
  path: string;
  role: "full" | "map" | "target";
  tier: RankTier;
  rank: number;
  score: number;
  /** Estimated tokens of what is shown. */
  tokens: number;
}

/** Grading knobs. */
export interface GradeOptions {
  ranked: readonly GradeInput[];
  /** Tokens for files, map and listing together. */
  budget: number;
  /** Every path, for sizing the listing of what is left out. */
  allPaths: readonly string[];
  /** Files scoring at least this share of the best score are confident enough for full text. Default 0.2. */
  confidence?: number;
  /** Most of the room confident full text may take before the map gets its turn. Default 0.85. */
  fullShare?: number;
  /**
   * Among confident files, full text goes first to the most value per token:
   * (score / best score)^sharpness / tokens^sizePenalty. A steep `sharpness` keeps the order of
   * clearly ranked files; a mild `sizePenalty` lets two likely files share the room one large,
   * barely better one would take (larger files change more often, so the penalty stays mild).
   * Defaults 4 and 0.3 (tuned on cline's dev cases; 0 penalty: by score alone).
   */
  sharpness?: number;
  sizePenalty?: number;
  /**
   * A file in full brings its test (or the module a test tests) into full text right after it,
   * when it fits and scores at least this share of the file's score: commits change the two
   * together. Default 0.5 (Infinity: never).
   */
  pairFloor?: number;
}

/** Most of the budget the listing of files not shown may take before it is compacted further. */
const TREE_SHARE = 1 / 8;

/** Grades `ranked` (in rank order) within the budget. */
export function chooseGrades(opts: GradeOptions): Grade[] {
  const { ranked, budget } = opts;
  const all = ranked.reduce((n, r) => n + r.fullTokens, 0);
  const rankedPaths = new Set(ranked.map((r) => r.path));
  const others = opts.allPaths.filter((p) => !rankedPaths.has(p));
  // Everything fits: no ranking decision to make.
  if (all + listingTokens(others, budget - all) <= budget) {
    return ranked.map((r, rank) => ({ path: r.path, role: r.tier === "target" ? "target" : "full", tier: r.tier, rank, score: r.score, tokens: r.fullTokens }));
  }
  const room = budget - listingTokens(opts.allPaths, Math.floor(budget * TREE_SHARE));
  const grades = new Map<number, Grade>();
  let used = 0;
  ranked.forEach((r, rank) => {
    if (r.tier !== "target") return;
    grades.set(rank, { path: r.path, role: "target", tier: r.tier, rank, score: r.score, tokens: r.fullTokens });
    used += r.fullTokens;
  });
  const top = ranked.find((r) => r.tier !== "target")?.score ?? 0;
  const floor = top * (opts.confidence ?? 0.2);
  const fullRoom = room * (opts.fullShare ?? 0.85);
  const confident: number[] = [];
  for (const [rank, r] of ranked.entries()) {
    if (r.tier === "target") continue;
    if (r.tier === "ranked" && (r.score <= 0 || r.score < floor)) break;
    confident.push(rank);
  }
  const alpha = opts.sizePenalty ?? 0.3;
  const sharpness = opts.sharpness ?? 4;
  const worth = (rank: number): number => {
    const r = ranked[rank] as GradeInput;
    return (r.tier === "named" ? 1e9 : (r.score / Math.max(top, 1e-9)) ** sharpness) / Math.max(1, r.fullTokens) ** alpha;
  };
  if (alpha > 0) confident.sort((a, b) => worth(b) - worth(a) || a - b);
  const pairFloor = opts.pairFloor ?? 0.5;
  const partners = Number.isFinite(pairFloor) ? testPartners(ranked.map((r) => r.path)) : new Map<string, string[]>();
  const rankOf = new Map(ranked.map((r, i) => [r.path, i]));
  const takeFull = (rank: number): boolean => {
    const r = ranked[rank] as GradeInput;
    if (grades.has(rank) || used + r.fullTokens > fullRoom) return false;
    grades.set(rank, { path: r.path, role: "full", tier: r.tier, rank, score: r.score, tokens: r.fullTokens });
    used += r.fullTokens;
    return true;
  };
  for (const rank of confident) {
    if (!takeFull(rank)) continue;
    for (const p of partners.get((ranked[rank] as GradeInput).path) ?? []) {
      const pr = rankOf.get(p);
      if (pr !== undefined && (ranked[pr] as GradeInput).score >= pairFloor * (ranked[rank] as GradeInput).score) takeFull(pr);
    }
  }
  const mapTokens = new Map<number, number>();
  for (const [rank, r] of ranked.entries()) {
    if (grades.has(rank) || r.outline.length === 0) continue;
    const t = estimateTokens(renderMapEntry(r.path, r.outline));
    if (used + t > room) continue;
    grades.set(rank, { path: r.path, role: "map", tier: r.tier, rank, score: r.score, tokens: t });
    mapTokens.set(rank, t);
    used += t;
  }
  // Spare room (the map ran out of outlines): upgrade outlines to full text, best first.
  for (const [rank, t] of mapTokens) {
    const r = ranked[rank];
    const g = grades.get(rank);
    if (r === undefined || g === undefined || used - t + r.fullTokens > room) continue;
    grades.set(rank, { ...g, role: "full", tokens: r.fullTokens });
    used += r.fullTokens - t;
  }
  return [...grades.values()].sort((a, b) => a.rank - b.rank);
}

/** Estimated tokens of the finest listing of `paths` within `room` (the coarsest when none fits). */
export function listingTokens(paths: readonly string[], room: number): number {
  if (paths.length === 0) return 0;
  const listing = new TreeListing(paths);
  let best = estimateTokens(`${listing.render(MAX_TREE_LEVEL)}\n`);
  for (let level = MAX_TREE_LEVEL - 1; level >= 0; level--) {
    const t = estimateTokens(`${listing.render(level)}\n`);
    if (t > room) break;
    best = t;
  }
  return best;
}
