/**
 * The context packer: the repository as the model reads it, as much as the budget allows, in an
 * order that keeps the prompt's prefix identical from run to run (stable files sorted by path
 * first, the files likely to change last), so the backend's KV cache can reuse it.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { UsageError } from "../../errors.js";
import { throwIfAborted } from "../abort.js";
import { FactsCache } from "./facts-cache.js";
import type { FilterOptions } from "./filters.js";
import { listRepoFiles, recentlyChangedFiles, type RepoFile } from "./git-files.js";
import { rankFiles, type RankTier } from "./relevance.js";
import { renderFileBlock } from "./render.js";
import { scanFiles, type CountTokens, type ScannedFile } from "./scan.js";
import { MAX_TREE_LEVEL, TreeListing } from "./tree.js";

/** The repo instructions file read into every prompt when present. */
export const AGENTS_FILE = "AGENTS.md";

/** Packer options. */
export interface PackOptions extends FilterOptions {
  /** Repository root (absolute). */
  root: string;
  /** The user's task; files and identifiers it names rank higher. */
  task: string;
  /** Repo-relative paths that must be included (the edit scope), in order. Default none. */
  targets?: readonly string[];
  /** Most tokens the packed text may take, exactly (measured with `countTokens`). */
  budget: number;
  /** The model's tokenizer. */
  countTokens: CountTokens;
  /** Cache key of the tokenizer (the model). */
  modelKey: string;
  /** Folder for the facts cache; undefined keeps it in memory. Default undefined. */
  cacheDir?: string;
  /** How many commits of history rank recently changed files. Default 50. */
  recentCommits?: number;
  signal?: AbortSignal;
  /** Listing override for tests. Default: `git ls-files`. */
  listFiles?: (root: string, signal?: AbortSignal) => Promise<RepoFile[]>;
  /** History override for tests. Default: `git log`. */
  recentFiles?: (root: string, commits: number, signal?: AbortSignal) => Promise<string[]>;
}

/** Where a file sits in the packed text. */
export type PackedRole = "instructions" | "stable" | "volatile" | "target";

/** One file included in full. */
export interface PackedFile {
  path: string;
  role: PackedRole;
  tier: RankTier | "instructions";
  /** Tokens of its block as counted alone (cached). */
  tokens: number;
  hash: string;
  content: string;
}

/** The packer's result. */
export interface PackedContext {
  /** The repo context, ready to go into the prompt. */
  text: string;
  /** Exact token count of `text` (≤ `budget`). */
  tokens: number;
  budget: number;
  /** Included files in prompt order. */
  files: PackedFile[];
  /** Files shown only in the tree listing (sorted). */
  listed: string[];
  /** Compaction level of the tree listing (0 = every name). */
  treeLevel: number;
  /** Targets that do not exist yet (the model may create them). */
  missingTargets: string[];
}

interface Included {
  file: ScannedFile;
  tier: RankTier | "instructions";
  rank: number;
}

/** Packs the repository at `opts.root` for `opts.task`. */
export async function packContext(opts: PackOptions): Promise<PackedContext> {
  const targets = [...new Set(opts.targets ?? [])];
  const [listed, recent] = await Promise.all([
    (opts.listFiles ?? listRepoFiles)(opts.root, opts.signal),
    (opts.recentFiles ?? recentlyChangedFiles)(opts.root, opts.recentCommits ?? 50, opts.signal),
  ]);
  throwIfAborted(opts.signal);
  const cache = await FactsCache.open(opts.cacheDir, opts.modelKey);
  const forced = new Set([...targets, AGENTS_FILE]);
  const scanned = await scanFiles(opts.root, listed, cache, opts.countTokens, { ...opts, alwaysInclude: forced });
  throwIfAborted(opts.signal);
  const present = new Set(listed.map((f) => f.path));

  const byPath = new Map(scanned.map((f) => [f.path, f]));
  const missingTargets = targets.filter((t) => !byPath.has(t));
  for (const t of targets) {
    const f = byPath.get(t);
    if (f?.skip !== undefined) throw new UsageError(`${t} cannot be edited as text (${f.skip})`);
  }
  const eligible = scanned.filter((f) => f.skip === undefined && f.path !== AGENTS_FILE);
  const ranked = rankFiles(eligible, { targets, task: opts.task, recent });
  const agents = byPath.get(AGENTS_FILE);
  const useAgents = agents !== undefined && agents.skip === undefined && agents.blockTokens <= opts.budget;
  const countText = (t: string): Promise<number> => cache.countText(t, opts.countTokens);
  // Room for the listing of what will not fit. When everything fits, only the skipped files are
  // listed; otherwise reserve the finest listing of every file that stays within TREE_SHARE of
  // the budget (the real listing, of fewer files, is no longer).
  const allTokens = eligible.reduce((n, f) => n + f.blockTokens, useAgents && agents ? agents.blockTokens : 0);
  const skippedPaths = scanned.filter((f) => f.skip !== undefined).map((f) => f.path);
  const everything = allTokens + (await finestTree(skippedPaths, opts.budget - allTokens, countText)).tokens;
  const treeReserve =
    everything <= opts.budget ? everything - allTokens : (await finestTree(scanned.map((f) => f.path), Math.floor(opts.budget * TREE_SHARE), countText)).tokens;

  const included: Included[] = [];
  let used = 0;
  if (useAgents && agents) {
    included.push({ file: agents, tier: "instructions", rank: -1 });
    used += agents.blockTokens;
  }
  const room = opts.budget - treeReserve;
  ranked.forEach((r, rank) => {
    const file = byPath.get(r.path);
    if (file === undefined) return;
    if (r.tier === "target" || used + file.blockTokens <= room) {
      included.push({ file, tier: r.tier, rank });
      used += file.blockTokens;
    }
  });
  const targetTokens = included.filter((i) => i.tier === "target").reduce((n, i) => n + i.file.blockTokens, 0);
  if (targetTokens > opts.budget) {
    throw new UsageError(`the files to edit need ${targetTokens} tokens but the context has room for ${opts.budget} (raise --context)`);
  }

  const contents = readContents(opts.root, included);
  // The finest listing that fits beside the files; the exact count of the joined text has the
  // last word. While they do not fit, drop the lowest-ranked optional files.
  for (;;) {
    throwIfAborted(opts.signal);
    const inSet = new Set(included.map((i) => i.file.path));
    const rest = scanned.filter((f) => !inSet.has(f.path)).map((f) => f.path);
    const sum = sumTokens(included);
    const tree = await finestTree(rest, opts.budget - sum, countText);
    let over = sum + tree.tokens - opts.budget;
    if (tree.level >= 0 && over <= 0) {
      const blocks = orderBlocks(included, targets, contents);
      const text = blocks.before + (tree.text.length > 0 ? `${tree.text}\n` : "") + blocks.after;
      const tokens = await countText(text);
      if (tokens <= opts.budget) {
        await cache.save(opts.root, present);
        return {
          text,
          tokens,
          budget: opts.budget,
          files: blocks.order.map((i) => ({
            path: i.file.path,
            role: roleOf(i, targets),
            tier: i.tier,
            tokens: i.file.blockTokens,
            hash: i.file.hash ?? "",
            content: contents.get(i.file.path) ?? "",
          })),
          listed: rest.sort(),
          treeLevel: tree.level,
          missingTargets,
        };
      }
      over = tokens - opts.budget;
    }
    // Drop enough of the lowest-ranked files to cover the excess (at least one).
    let freed = 0;
    do {
      const victim = lowestOptional(included);
      if (victim < 0) {
        throw new UsageError(`the files to edit do not fit in the context budget of ${opts.budget} tokens (raise --context)`);
      }
      freed += included[victim]?.file.blockTokens ?? 0;
      included.splice(victim, 1);
    } while (freed < over);
  }
}

/** Most of the budget a listing of files not shown may take before it is compacted further. */
const TREE_SHARE = 1 / 8;

/**
 * The finest listing of `paths` within `room` tokens, searching coarse to fine (finer listings
 * are longer, so the search stops at the first that does not fit). Level -1 when none fits (its
 * tokens are then the coarsest listing's).
 */
async function finestTree(paths: readonly string[], room: number, countText: (t: string) => Promise<number>): Promise<{ text: string; tokens: number; level: number }> {
  if (paths.length === 0) return { text: "", tokens: 0, level: 0 };
  const listing = new TreeListing(paths);
  const coarsest = listing.render(MAX_TREE_LEVEL);
  let best = { text: coarsest, tokens: await countText(`${coarsest}\n`), level: MAX_TREE_LEVEL };
  if (best.tokens > room) return { ...best, level: -1 };
  for (let level = MAX_TREE_LEVEL - 1; level >= 0; level--) {
    const text = listing.render(level);
    if (text === best.text) continue;
    const tokens = await countText(`${text}\n`);
    if (tokens > room) break;
    best = { text, tokens, level };
  }
  return best;
}

function sumTokens(included: readonly Included[]): number {
  return included.reduce((n, i) => n + i.file.blockTokens, 0);
}

function lowestOptional(included: readonly Included[]): number {
  let worst = -1;
  included.forEach((inc, idx) => {
    if (inc.tier === "target") return;
    const w = included[worst];
    if (worst < 0 || w === undefined || inc.rank > w.rank) worst = idx;
  });
  return worst;
}

function roleOf(i: Included, targets: readonly string[]): PackedRole {
  if (i.tier === "instructions") return "instructions";
  if (targets.includes(i.file.path)) return "target";
  return i.tier === "named" || i.file.dirty ? "volatile" : "stable";
}

/** Prefix-stable order: instructions, stable files by path | tree | dirty, named, then targets in order. */
function orderBlocks(
  included: readonly Included[],
  targets: readonly string[],
  contents: ReadonlyMap<string, string>,
): { before: string; after: string; order: Included[] } {
  const byPathCmp = (a: Included, b: Included): number => (a.file.path < b.file.path ? -1 : a.file.path > b.file.path ? 1 : 0);
  const groups: Record<PackedRole, Included[]> = { instructions: [], stable: [], volatile: [], target: [] };
  for (const i of included) groups[roleOf(i, targets)].push(i);
  groups.stable.sort(byPathCmp);
  groups.volatile.sort((a, b) => Number(a.tier === "named") - Number(b.tier === "named") || byPathCmp(a, b));
  groups.target.sort((a, b) => targets.indexOf(a.file.path) - targets.indexOf(b.file.path));
  const render = (list: Included[]): string => list.map((i) => renderFileBlock(i.file.path, contents.get(i.file.path) ?? "")).join("");
  return {
    before: render(groups.instructions) + render(groups.stable),
    after: render(groups.volatile) + render(groups.target),
    order: [...groups.instructions, ...groups.stable, ...groups.volatile, ...groups.target],
  };
}

/**
 * Contents of the included files. Synchronous on purpose: hundreds of small reads through
 * libuv's pool (one thread under bin/spark.js) cost several times more than reading them in turn.
 */
function readContents(root: string, included: readonly Included[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const i of included) out.set(i.file.path, i.file.content ?? readFileSync(path.join(root, i.file.path), "utf8").replace(/^\uFEFF/, ""));
  return out;
}
