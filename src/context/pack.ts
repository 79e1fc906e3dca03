/**
 * The context engine's packer: the repository as the model reads it for one task, graded by how
 * sure the ranking is. Full text for the files that rank high, an outline (repo map) for the next
 * ones, a compact tree listing of the rest. The order keeps the prompt's prefix stable from run to
 * run (instructions, listing, map, files by path; changed files and the edit scope last), so a
 * backend's KV cache can reuse it.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { throwIfAborted, UsageError } from "../errors.js";
import { listRepoFiles, type RepoFile } from "../git/files.js";
import { headCommit, recentHistory } from "../git/history.js";
import { FactsCache } from "./facts-cache.js";
import type { FilterOptions } from "./filters.js";
import { chooseGrades, type Grade } from "./grade.js";
import { renderMap } from "./map.js";
import { rankFiles, type RankTier, type RankWeights } from "./rank/rank.js";
import { renderFileBlock } from "./render.js";
import { scanFiles, type ScannedFile } from "./scan.js";
import { estimateTokens } from "./tokens.js";
import { MAX_TREE_LEVEL, TreeListing } from "./tree.js";

/** The repo instructions file read into every prompt when present. */
export const AGENTS_FILE = "AGENTS.md";

/** Token counter of the model (usually `backend.countTokens`). */
export type CountTokens = (text: string) => Promise<number>;

/** Packer options. */
export interface PackOptions extends FilterOptions {
  /** Repository root (absolute). */
  root: string;
  /** The user's task; what it says ranks the files. */
  task: string;
  /** Repo-relative paths that must be included in full (the edit scope), in order. Default none. */
  targets?: readonly string[];
  /** Most tokens the packed text may take. */
  budget: number;
  /**
   * The model's tokenizer: the packed text is counted with it and never exceeds `budget`.
   * Default none: every count is an estimate (`estimateTokens`), as `spark context` reports.
   */
  countTokens?: CountTokens;
  /** Cache key of the tokenizer (the model). Default "estimate". */
  tokenizer?: string;
  /** Folder for the facts cache; undefined keeps it in memory. Default undefined. */
  cacheDir?: string;
  /** Commits of history read for co-change and recency. Default 1000. */
  historyCommits?: number;
  /** Ranking weights (defaults: `DEFAULT_WEIGHTS`). */
  weights?: Partial<RankWeights>;
  signal?: AbortSignal;
  /** Listing override for tests. Default: `git ls-files`. */
  listFiles?: (root: string, signal?: AbortSignal) => Promise<RepoFile[]>;
}

/** How a file appears: the instructions, in full, as an outline in the map, or as an edit target. */
export type PackedRole = "instructions" | "full" | "map" | "target";

/** One file in the packed text. */
export interface PackedFile {
  path: string;
  role: PackedRole;
  tier: RankTier | "instructions";
  /** Tokens of its block (estimated unless counted alone). */
  tokens: number;
  /** Position in the ranking (0 = best); -1 for the instructions. */
  rank: number;
  score: number;
  /** Blob id of the content shown (full text only; "" for outlines). */
  hash: string;
  /** Full text, or the outline lines of a map entry. */
  content: string;
  /** Untracked or modified: placed late, where changes do not move the prefix. */
  volatile: boolean;
}

/** The packer's result. */
export interface PackedContext {
  /** The repo context, ready to go into the prompt. */
  text: string;
  /** Tokens of `text` (exact when `countTokens` was given, else estimated). */
  tokens: number;
  /** Whether `tokens` is an exact count. */
  exact: boolean;
  budget: number;
  /** Files in full or outlined, in prompt order. */
  files: PackedFile[];
  /** Files shown only in the tree listing (sorted). */
  listed: string[];
  /** Tokens of the tree listing. */
  treeTokens: number;
  /** Compaction level of the tree listing (0 = every name). */
  treeLevel: number;
  /** Targets that do not exist yet (the model may create them). */
  missingTargets: string[];
  /** Ranked files in order, for reports ("why is X not in?"). */
  ranking: { path: string; score: number; tier: RankTier }[];
}

/** Packs the repository at `opts.root` for `opts.task`. */
export async function packContext(opts: PackOptions): Promise<PackedContext> {
  const targets = [...new Set(opts.targets ?? [])];
  const cache = await FactsCache.open(opts.cacheDir);
  const [listed, history] = await Promise.all([(opts.listFiles ?? listRepoFiles)(opts.root, opts.signal), historyOf(opts, cache)]);
  throwIfAborted(opts.signal);
  const forced = new Set([...targets, AGENTS_FILE]);
  const scanned = scanFiles(opts.root, listed, cache, { ...opts, alwaysInclude: forced });
  throwIfAborted(opts.signal);

  const byPath = new Map(scanned.map((f) => [f.path, f]));
  const missingTargets = targets.filter((t) => !byPath.has(t));
  for (const t of targets) {
    const f = byPath.get(t);
    if (f?.skip !== undefined) throw new UsageError(`${t} cannot be edited as text (${f.skip})`);
  }
  const eligible = scanned.filter((f): f is ScannedFile & { facts: NonNullable<ScannedFile["facts"]> } => f.skip === undefined && f.facts !== undefined && f.path !== AGENTS_FILE);
  const ranked = rankFiles(eligible, { task: opts.task, targets, history, ...(opts.weights ? { weights: opts.weights } : {}) });
  const agents = byPath.get(AGENTS_FILE);
  const useAgents = agents !== undefined && agents.skip === undefined && agents.blockTokens <= opts.budget;

  const exact = opts.countTokens !== undefined;
  const tokenizer = opts.tokenizer ?? "estimate";
  const count = (t: string): Promise<number> => (opts.countTokens ? cache.countText(tokenizer, t, opts.countTokens) : Promise.resolve(estimateTokens(t)));
  const agentTokens = useAgents && agents ? agents.blockTokens : 0;
  const inputs = ranked.map((r) => {
    const f = byPath.get(r.path) as ScannedFile;
    return { ...r, fullTokens: f.blockTokens, outline: f.facts?.outline ?? "" };
  });
  const allPaths = scanned.map((f) => f.path);
  // Grades are chosen on estimates; `scale` (exact / estimated, learnt from the first exact count)
  // shrinks the budget they see when the model's tokenizer is less thrifty than the estimate.
  const grade = (scale: number): Grade[] => chooseGrades({ ranked: inputs, budget: Math.floor((opts.budget - agentTokens) / scale), allPaths });
  let scale = 1;
  let chosen = grade(scale);
  const targetTokens = chosen.filter((g) => g.role === "target").reduce((n, g) => n + g.tokens, 0);
  if (targetTokens > opts.budget) {
    throw new UsageError(`the files to edit need ${targetTokens} tokens but the context has room for ${opts.budget} (raise --context)`);
  }
  const rankOf = new Map(ranked.map((r, i) => [r.path, i]));
  // The exact count has the last word: while the text is over, grade again on a corrected scale
  // (twice at most), then drop the lowest-ranked optional entries one by one (a full file becomes
  // an outline first).
  for (let attempt = 0; ; attempt++) {
    throwIfAborted(opts.signal);
    const shown = new Set(chosen.map((g) => g.path));
    const rest = scanned.filter((f) => !shown.has(f.path)).map((f) => f.path);
    const used = chosen.reduce((n, g) => n + g.tokens, agentTokens);
    const tree = finestTree(rest, opts.budget - used);
    const contents = readContents(opts.root, useAgents && agents ? [...chosen, { path: AGENTS_FILE, role: "full" }] : chosen, byPath);
    const files = promptOrder(chosen, byPath, contents, rankOf, useAgents ? agents : undefined);
    const text = renderContext(files, tree.text);
    const tokens = tree.level >= 0 ? await count(text) : Number.POSITIVE_INFINITY;
    if (tokens <= opts.budget) {
      await cache.save(opts.root, new Set(listed.map((f) => f.path)), new Set(scanned.flatMap((f) => (f.hash ? [f.hash] : []))));
      return {
        text,
        tokens,
        exact,
        budget: opts.budget,
        files,
        listed: rest.sort(),
        treeTokens: tree.tokens,
        treeLevel: tree.level,
        missingTargets,
        ranking: ranked.map((r) => ({ path: r.path, score: r.score, tier: r.tier })),
      };
    }
    if (attempt < 2 && Number.isFinite(tokens)) {
      scale = Math.max(scale * 1.05, (scale * tokens) / opts.budget);
      chosen = grade(scale);
      continue;
    }
    if (!demoteLowest(chosen, byPath)) {
      throw new UsageError(`the files to edit do not fit in the context budget of ${opts.budget} tokens (raise --context)`);
    }
  }
}

async function historyOf(opts: PackOptions, cache: FactsCache): Promise<string[][]> {
  if (opts.listFiles !== undefined) return []; // a test's listing has no history to match
  const head = await headCommit(opts.root, opts.signal);
  if (head === "") return [];
  const known = cache.history(opts.root, head);
  if (known !== undefined) return known;
  const { commits } = await recentHistory(opts.root, opts.historyCommits ?? 1000, opts.signal);
  cache.putHistory(opts.root, head, commits);
  return commits;
}

/** Turns the lowest-ranked full file into an outline, or drops the lowest outline; false when only targets are left. */
function demoteLowest(chosen: Grade[], byPath: ReadonlyMap<string, ScannedFile>): boolean {
  let worst = -1;
  chosen.forEach((g, i) => {
    if (g.tier === "target") return;
    const w = chosen[worst];
    if (worst < 0 || w === undefined || g.rank > w.rank || (g.rank === w.rank && g.role === "map")) worst = i;
  });
  const g = chosen[worst];
  if (g === undefined) return false;
  const outline = byPath.get(g.path)?.facts?.outline ?? "";
  if (g.role === "full" && outline.length > 0) chosen[worst] = { ...g, role: "map", tokens: estimateTokens(renderMap([{ path: g.path, outline }])) };
  else chosen.splice(worst, 1);
  return true;
}

/**
 * Prompt order: instructions; outlines by path; stable full files by path; then volatile files
 * (untracked or modified) and named files; the edit targets last, in the order given.
 */
function promptOrder(
  chosen: readonly Grade[],
  byPath: ReadonlyMap<string, ScannedFile>,
  contents: ReadonlyMap<string, string>,
  rankOf: ReadonlyMap<string, number>,
  agents: ScannedFile | undefined,
): PackedFile[] {
  const out: PackedFile[] = [];
  if (agents !== undefined) out.push(packedFile(agents, "instructions", "instructions", -1, 0, contents));
  const cmp = (a: Grade, b: Grade): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  const volatile = (g: Grade): boolean => g.tier === "named" || (byPath.get(g.path)?.dirty ?? false);
  const maps = chosen.filter((g) => g.role === "map").sort(cmp);
  const full = chosen.filter((g) => g.role === "full");
  const stable = full.filter((g) => !volatile(g)).sort(cmp);
  const late = full.filter(volatile).sort((a, b) => Number(a.tier === "named") - Number(b.tier === "named") || cmp(a, b));
  const targets = chosen.filter((g) => g.role === "target");
  for (const g of [...maps, ...stable, ...late, ...targets]) {
    const f = byPath.get(g.path);
    if (f === undefined) continue;
    const p = packedFile(f, g.role, g.tier, rankOf.get(g.path) ?? -1, g.score, contents);
    if (g.role === "map") p.tokens = g.tokens;
    p.volatile = g.role === "map" ? false : volatile(g);
    out.push(p);
  }
  return out;
}

function packedFile(f: ScannedFile, role: PackedRole, tier: PackedFile["tier"], rank: number, score: number, contents: ReadonlyMap<string, string>): PackedFile {
  const full = role !== "map";
  const content = full ? (contents.get(f.path) ?? "") : (f.facts?.outline ?? "");
  return { path: f.path, role, tier, tokens: f.blockTokens, rank, score, hash: full ? (f.hash ?? "") : "", content, volatile: f.dirty };
}

/** The packed text: instructions, listing, map, then the full files in `files`' order. */
function renderContext(files: readonly PackedFile[], tree: string): string {
  const blocks = (list: readonly PackedFile[]): string => list.map((f) => renderFileBlock(f.path, f.content)).join("");
  const instructions = files.filter((f) => f.role === "instructions");
  const maps = files.filter((f) => f.role === "map");
  const full = files.filter((f) => f.role === "full" || f.role === "target");
  const map = maps.length > 0 ? `${renderMap(maps.map((f) => ({ path: f.path, outline: f.content })))}\n` : "";
  return blocks(instructions) + (tree.length > 0 ? `${tree}\n` : "") + map + blocks(full);
}

/**
 * The finest listing of `paths` within `room` estimated tokens, searching coarse to fine (finer
 * listings are longer, so the search stops at the first that does not fit). Level -1 when none fits.
 */
function finestTree(paths: readonly string[], room: number): { text: string; tokens: number; level: number } {
  if (paths.length === 0) return { text: "", tokens: 0, level: 0 };
  const listing = new TreeListing(paths);
  const coarsest = listing.render(MAX_TREE_LEVEL);
  let best = { text: coarsest, tokens: estimateTokens(`${coarsest}\n`), level: MAX_TREE_LEVEL };
  if (best.tokens > room) return { ...best, level: -1 };
  for (let level = MAX_TREE_LEVEL - 1; level >= 0; level--) {
    const text = listing.render(level);
    if (text === best.text) continue;
    const tokens = estimateTokens(`${text}\n`);
    if (tokens > room) break;
    best = { text, tokens, level };
  }
  return best;
}

/**
 * Contents of the files shown in full. Synchronous on purpose: hundreds of small reads through
 * libuv's pool (one thread under bin/spark.js) cost several times more than reading them in turn.
 */
function readContents(root: string, chosen: readonly Pick<Grade, "path" | "role">[], byPath: ReadonlyMap<string, ScannedFile>): Map<string, string> {
  const out = new Map<string, string>();
  for (const g of chosen) {
    const f = byPath.get(g.path);
    if (f === undefined) continue;
    if (g.role === "map") continue;
    out.set(g.path, readFileSync(path.join(root, g.path), "utf8").replace(/^\uFEFF/, ""));
  }
  return out;
}
