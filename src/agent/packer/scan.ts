/**
 * Turns the candidate list into per-file facts: skip verdict, blob hash, block token count and
 * identifiers, reading only files whose stat changed since the cache last saw them.
 */
import { lstatSync, type Stats } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { throwIfAborted } from "../abort.js";
import { blobHash, type BlobFacts, type FactsCache } from "./facts-cache.js";
import { DEFAULT_MAX_FILE_BYTES, skipByContent, skipByPath, type FilterOptions, type SkipReason } from "./filters.js";
import type { RepoFile } from "./git-files.js";
import { identifierFacts } from "./identifiers.js";
import { blockFooter, blockHeader, fenceFor } from "./render.js";

/** Token counter of the model (usually `backend.countTokens`). */
export type CountTokens = (text: string) => Promise<number>;

/** One candidate with what the packer knows about it. */
export interface ScannedFile {
  path: string;
  dirty: boolean;
  size: number;
  skip?: SkipReason;
  /** Blob hash; absent for files skipped by path or size without reading. */
  hash?: string;
  /** Tokens of the rendered block; 0 when skipped. */
  blockTokens: number;
  defs: readonly string[];
  idents: readonly string[];
  /** Content when it was read during the scan (saves a second read). */
  content?: string;
}

const READ_CONCURRENCY = 32;

/** Scans `files` (repo-relative) under `root`. */
export async function scanFiles(
  root: string,
  files: readonly RepoFile[],
  cache: FactsCache,
  countTokens: CountTokens,
  opts: FilterOptions & { signal?: AbortSignal; alwaysInclude?: ReadonlySet<string> } = {},
): Promise<ScannedFile[]> {
  const maxBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const out: ScannedFile[] = [];
  const misses: { index: number; stat: Stats }[] = [];
  for (const file of files) {
    const forced = opts.alwaysInclude?.has(file.path) ?? false;
    const byPath = forced ? undefined : skipByPath(file.path, opts);
    const base: ScannedFile = { path: file.path, dirty: file.dirty, size: 0, blockTokens: 0, defs: [], idents: [] };
    if (byPath !== undefined) {
      out.push({ ...base, skip: byPath }); // decided by name: not even a stat (vendored trees are huge)
      continue;
    }
    let stat: Stats;
    try {
      stat = lstatSync(path.join(root, file.path));
    } catch {
      continue; // vanished since git listed it
    }
    if (!stat.isFile()) continue; // symlinks and submodules are not read into the prompt
    if (stat.size > maxBytes && !forced) {
      out.push({ ...base, size: stat.size, skip: "too-large" });
      continue;
    }
    const entry = cache.lookup(root, file.path, stat.size, stat.mtimeMs, stat.ino);
    const facts = entry ? cache.blob(entry.hash) : undefined;
    if (entry && facts) {
      out.push(withFacts({ ...base, size: stat.size, hash: entry.hash, blockTokens: entry.blockTokens }, facts));
      continue;
    }
    misses.push({ index: out.length, stat });
    out.push({ ...base, size: stat.size });
  }
  for (let i = 0; i < misses.length; i += READ_CONCURRENCY) {
    throwIfAborted(opts.signal);
    await Promise.all(misses.slice(i, i + READ_CONCURRENCY).map((m) => fill(out, m.index, m.stat)));
  }
  return out;

  async function fill(list: ScannedFile[], index: number, stat: Stats): Promise<void> {
    const item = list[index];
    if (item === undefined) return;
    const bytes = await readFile(path.join(root, item.path));
    const hash = blobHash(bytes);
    let facts = cache.blob(hash);
    let content: string | undefined;
    if (facts === undefined) {
      const skip = skipByContent(bytes, opts.alwaysInclude?.has(item.path) ? { ...opts, includeGenerated: true } : opts);
      if (skip !== undefined) {
        facts = { tokens: 0, skip, defs: [], idents: [] };
      } else {
        content = new TextDecoder().decode(bytes);
        facts = { tokens: await countTokens(content), ...identifierFacts(content) };
      }
    }
    let blockTokens = 0;
    if (facts.skip === undefined) {
      content ??= new TextDecoder().decode(bytes);
      const fence = fenceFor(content);
      blockTokens = facts.tokens + (await countTokens(blockHeader(item.path, fence))) + (await countTokens(blockFooter(content, fence)));
    }
    cache.put(root, item.path, { size: stat.size, mtimeMs: stat.mtimeMs, ino: stat.ino, hash, blockTokens }, facts);
    const filled = withFacts({ ...item, hash, blockTokens }, facts);
    if (content !== undefined) filled.content = content;
    list[index] = filled;
  }
}

function withFacts(file: ScannedFile, facts: BlobFacts): ScannedFile {
  const out: ScannedFile = { ...file, defs: facts.defs, idents: facts.idents };
  if (facts.skip !== undefined) {
    out.skip = facts.skip;
    out.blockTokens = 0;
  }
  return out;
}
