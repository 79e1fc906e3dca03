/**
 * Turns the candidate list into per-file facts: skip verdict, block token count and identifiers.
 * Tracked, unmodified files are known by git's own blob id (no stat, no read); other files are
 * read only when their stat changed since the cache last saw them.
 */
import { lstatSync, readFileSync } from "node:fs";
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
  skip?: SkipReason;
  /** Blob id; absent for files skipped by path or size without reading. */
  hash?: string;
  /** Tokens of the rendered block; 0 when skipped. */
  blockTokens: number;
  /** Names defined, space-separated. */
  defs: string;
  /** Names mentioned, space-separated. */
  idents: string;
  /** Content when it was read during the scan (saves a second read). */
  content?: string;
}

/** Scan options. */
export interface ScanOptions extends FilterOptions {
  signal?: AbortSignal;
  /** Paths included even when filters would skip them (targets, AGENTS.md). */
  alwaysInclude?: ReadonlySet<string>;
}

const READ_CONCURRENCY = 32;

/** Scans `files` (repo-relative) under `root`. */
export async function scanFiles(root: string, files: readonly RepoFile[], cache: FactsCache, countTokens: CountTokens, opts: ScanOptions = {}): Promise<ScannedFile[]> {
  const maxBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const out: ScannedFile[] = [];
  const pending: Promise<void>[] = [];
  const misses: { index: number; gitHash?: string; stat?: { size: number; mtimeMs: number; ino: number } }[] = [];

  const overhead = async (file: string, facts: BlobFacts): Promise<number> => {
    const fence = "`".repeat(facts.fence);
    return (await countTokens(blockHeader(file, fence))) + (await countTokens(blockFooter(facts.nl ? "\n" : "x", fence)));
  };
  const known = (index: number, base: ScannedFile, hash: string, facts: BlobFacts, forced: boolean): true => {
    if (facts.skip !== undefined || (facts.bytes > maxBytes && !forced)) {
      out[index] = { ...base, hash, skip: facts.skip ?? "too-large" };
      return true;
    }
    const tokens = cache.blockTokens(root, base.path, hash);
    base.hash = hash;
    base.blockTokens = tokens ?? 0;
    base.defs = facts.defs;
    base.idents = facts.idents;
    if (tokens === undefined) {
      pending.push(
        overhead(base.path, facts).then((extra) => {
          const item = out[index];
          if (item === undefined) return;
          item.blockTokens = facts.tokens + extra;
          cache.put(root, base.path, hash, item.blockTokens, facts);
        }),
      );
    }
    return true;
  };

  for (const file of files) {
    const index = out.length;
    const forced = opts.alwaysInclude?.has(file.path) ?? false;
    const base: ScannedFile = { path: file.path, dirty: file.dirty, blockTokens: 0, defs: "", idents: "" };
    const byPath = forced ? undefined : skipByPath(file.path, opts);
    out.push(base);
    if (byPath !== undefined) {
      base.skip = byPath; // decided by name: not even a stat (vendored trees are huge)
      continue;
    }
    if (file.hash !== undefined) {
      const facts = cache.blob(file.hash);
      if (facts !== undefined && known(index, base, file.hash, facts, forced)) continue;
      misses.push({ index, gitHash: file.hash });
      continue;
    }
    let stat;
    try {
      stat = lstatSync(path.join(root, file.path));
    } catch {
      out.pop(); // vanished since git listed it
      continue;
    }
    if (!stat.isFile()) {
      out.pop(); // symlinks are not read into the prompt
      continue;
    }
    if (stat.size > maxBytes && !forced) {
      out[index] = { ...base, skip: "too-large" };
      continue;
    }
    const st = { size: stat.size, mtimeMs: stat.mtimeMs, ino: stat.ino };
    const hit = cache.byStat(root, file.path, st.size, st.mtimeMs, st.ino);
    const facts = hit ? cache.blob(hit.hash) : undefined;
    if (hit && facts) {
      out[index] = { ...base, hash: hit.hash, blockTokens: hit.blockTokens, defs: facts.defs, idents: facts.idents };
      continue;
    }
    misses.push({ index, stat: st });
  }
  await Promise.all(pending);
  for (let i = 0; i < misses.length; i += READ_CONCURRENCY) {
    throwIfAborted(opts.signal);
    await Promise.all(misses.slice(i, i + READ_CONCURRENCY).map((m) => fill(m.index, m.gitHash, m.stat)));
  }
  return out;

  async function fill(index: number, gitHash: string | undefined, stat?: { size: number; mtimeMs: number; ino: number }): Promise<void> {
    const item = out[index];
    if (item === undefined) return;
    const forced = opts.alwaysInclude?.has(item.path) ?? false;
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(path.join(root, item.path)); // sync: see readContents in pack.ts
    } catch {
      out[index] = { ...item, skip: "binary" }; // unreadable (a directory, permissions): list it only
      return;
    }
    const hash = gitHash ?? blobHash(bytes);
    let facts = cache.blob(hash);
    let content: string | undefined;
    if (facts === undefined) {
      const skip = skipByContent(bytes, forced ? { ...opts, includeGenerated: true } : opts);
      content = skip === undefined ? new TextDecoder().decode(bytes) : undefined;
      const ids = content !== undefined ? identifierFacts(content) : { defs: [], idents: [] };
      facts = {
        tokens: content !== undefined ? await countTokens(content) : 0,
        bytes: bytes.length,
        fence: content !== undefined ? fenceFor(content).length : 3,
        nl: content === undefined || content.length === 0 || content.endsWith("\n"),
        defs: ids.defs.join(" "),
        idents: ids.idents.join(" "),
        ...(skip !== undefined ? { skip } : {}),
      };
    }
    if (facts.skip !== undefined || (facts.bytes > (opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES) && !forced)) {
      cache.put(root, item.path, hash, 0, facts, stat);
      out[index] = { ...item, hash, skip: facts.skip ?? "too-large" };
      return;
    }
    const fence = "`".repeat(facts.fence);
    const blockTokens = facts.tokens + (await countTokens(blockHeader(item.path, fence))) + (await countTokens(blockFooter(facts.nl ? "\n" : "x", fence)));
    cache.put(root, item.path, hash, blockTokens, facts, stat);
    const filled: ScannedFile = { ...item, hash, blockTokens, defs: facts.defs, idents: facts.idents };
    if (content !== undefined) filled.content = content;
    out[index] = filled;
  }
}
