/**
 * Turns the candidate list into per-file facts. Tracked, unmodified files are known by git's own
 * blob id (no stat, no read when cached); other files are read only when their stat changed since
 * the cache last saw them. Cold, every text file is read once and its facts computed.
 */
import { lstatSync, readFileSync } from "node:fs";
import path from "node:path";
import type { RepoFile } from "../git/files.js";
import { InterruptedError } from "../errors.js";
import { blobHash, type FactsCache } from "./facts-cache.js";
import { skippedFacts, textFacts, type BlobFacts } from "./facts.js";
import { DEFAULT_MAX_FILE_BYTES, skipByContent, skipByPath, type FilterOptions, type SkipReason } from "./filters.js";
import { blockFooter, blockHeader } from "./render.js";
import { estimateTokens } from "./tokens.js";

/** One candidate with what the engine knows about it. */
export interface ScannedFile {
  path: string;
  dirty: boolean;
  skip?: SkipReason;
  /** Blob id; absent for files skipped by path or size without reading. */
  hash?: string;
  /** Estimated tokens of the rendered block (path line, fences, content); 0 when skipped. */
  blockTokens: number;
  /** The blob's facts; absent when skipped. */
  facts?: BlobFacts;
}

/** Scan options. */
export interface ScanOptions extends FilterOptions {
  signal?: AbortSignal;
  /** Paths included even when filters would skip them (targets, AGENTS.md). */
  alwaysInclude?: ReadonlySet<string>;
}

/** Estimated tokens of `file`'s block around content with these facts. */
export function blockTokensOf(file: string, facts: BlobFacts): number {
  const fence = "`".repeat(facts.fence);
  return facts.tokens + estimateTokens(blockHeader(file, fence) + blockFooter(facts.nl ? "\n" : "x", fence));
}

const decoder = new TextDecoder();

/** Scans `files` (repo-relative) under `root`. */
export function scanFiles(root: string, files: readonly RepoFile[], cache: FactsCache, opts: ScanOptions = {}): ScannedFile[] {
  const maxBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const out: ScannedFile[] = [];
  let checked = 0;
  for (const file of files) {
    // Reading is synchronous (see readContents in pack.ts); let an interrupt through now and then.
    if (++checked % 256 === 0 && opts.signal?.aborted) throw new InterruptedError();
    const forced = opts.alwaysInclude?.has(file.path) ?? false;
    const base: ScannedFile = { path: file.path, dirty: file.dirty, blockTokens: 0 };
    const byPath = forced ? undefined : skipByPath(file.path, opts);
    if (byPath !== undefined) {
      out.push({ ...base, skip: byPath }); // decided by name: not even a stat (vendored trees are huge)
      continue;
    }
    // Joined only when the file is stat'ed or read: a warm scan of a clean checkout does neither.
    const full = (): string => path.join(root, file.path);
    let hash = file.hash;
    let stat: { size: number; mtimeMs: number; ino: number } | undefined;
    if (hash === undefined) {
      let st;
      try {
        st = lstatSync(full());
      } catch {
        continue; // vanished since git listed it
      }
      if (!st.isFile()) continue; // symlinks are not read into the prompt
      if (st.size > maxBytes && !forced) {
        out.push({ ...base, skip: "too-large" });
        continue;
      }
      stat = { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino };
      hash = cache.byStat(root, file.path, st.size, st.mtimeMs, st.ino);
    }
    let facts = hash !== undefined ? cache.blob(hash) : undefined;
    // A forced file skipped as generated or large is read as text anyway (only binary stays out).
    const refresh = forced && facts?.skip !== undefined && facts.skip !== "binary";
    if (facts === undefined || hash === undefined || refresh) {
      let bytes: Uint8Array;
      try {
        bytes = readFileSync(full());
      } catch {
        out.push({ ...base, skip: "binary" }); // unreadable (a directory, permissions): list it only
        continue;
      }
      hash ??= blobHash(bytes);
      facts = refresh ? undefined : cache.blob(hash);
      if (facts === undefined) {
        const skip = bytes.length > maxBytes && !forced ? "too-large" : skipByContent(bytes, forced ? { ...opts, includeGenerated: true } : opts);
        // The text is not kept: holding a cold scan's every file (30 MB on cline) made young-generation
        // collections copy it all; the few files shown in full are read again when packed.
        facts = skip === undefined ? textFacts(file.path, decoder.decode(bytes).replace(/^\uFEFF/, ""), bytes.length) : skippedFacts(bytes.length, skip);
        if (!refresh) cache.put(hash, facts, stat !== undefined ? { root, file: file.path, ...stat } : undefined);
      } else if (stat !== undefined) {
        cache.put(hash, facts, { root, file: file.path, ...stat });
      }
    }
    if (facts.skip !== undefined || (facts.bytes > maxBytes && !forced)) {
      out.push({ ...base, hash, skip: facts.skip ?? "too-large" });
      continue;
    }
    out.push({ ...base, hash, blockTokens: blockTokensOf(file.path, facts), facts });
  }
  return out;
}
