/**
 * Per-model cache of what the packer learns about a blob (token count with the model's own
 * tokenizer, skip verdict, identifiers), keyed by git blob id, plus per-path entries: the block's
 * token count, and for files git does not vouch for (modified, untracked) their stat, so unchanged
 * files are neither read nor hashed. One JSON file per model under `<cache>/spark/packer/`, written
 * atomically; the last writer wins.
 */
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import type { SkipReason } from "./filters.js";

/** Facts about one blob (file content), independent of its path. */
export interface BlobFacts {
  /** Tokens of the content alone; 0 when skipped. */
  tokens: number;
  bytes: number;
  skip?: SkipReason;
  /** Backticks of the fence the content needs (3 or more). */
  fence: number;
  /** The content ends with a newline (or is empty). */
  nl: boolean;
  /** Names defined, space-separated. */
  defs: string;
  /** Names mentioned, space-separated. */
  idents: string;
}

/** `[hash, blockTokens]`, or `[hash, blockTokens, size, mtimeMs, ino]` when validated by stat. */
type PathEntry = [string, number] | [string, number, number, number, number];

interface CacheData {
  version: number;
  model: string;
  blobs: Record<string, BlobFacts>;
  /** repo root → path → entry */
  repos: Record<string, Record<string, PathEntry>>;
  /** Exact counts of whole texts (sha1 → tokens), newest last. */
  texts: [string, number][];
}

const VERSION = 4;
/** Packed texts and tree listings whose counts are kept. */
const MAX_TEXTS = 32;

/** Git's blob id of `bytes` (sha1 of "blob <len>\0" + bytes), so ids match `git hash-object`. */
export function blobHash(bytes: Uint8Array): string {
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

/** The cache for one model. */
export class FactsCache {
  private dirty = false;
  private constructor(
    private readonly file: string | undefined,
    private readonly data: CacheData,
  ) {}

  /** Opens (or starts) the cache of `model` in `dir`; `dir` undefined keeps it in memory only. */
  static async open(dir: string | undefined, model: string): Promise<FactsCache> {
    const empty: CacheData = { version: VERSION, model, blobs: {}, repos: {}, texts: [] };
    if (dir === undefined) return new FactsCache(undefined, empty);
    const key = createHash("sha256").update(model).digest("hex").slice(0, 16);
    const file = path.join(dir, `facts-${key}.json`);
    try {
      const data = JSON.parse(await readFile(file, "utf8")) as CacheData;
      if (data.version === VERSION && data.model === model) return new FactsCache(file, data);
    } catch {
      // missing or unreadable: start over, it is only a cache
    }
    return new FactsCache(file, empty);
  }

  blob(hash: string): BlobFacts | undefined {
    return this.data.blobs[hash];
  }

  /** Block tokens of `file` when it was last seen with content `hash`. */
  blockTokens(root: string, file: string, hash: string): number | undefined {
    const e = this.data.repos[root]?.[file];
    return e !== undefined && e[0] === hash ? e[1] : undefined;
  }

  /** The hash and block tokens of `file` if its size, mtime and inode still match. */
  byStat(root: string, file: string, size: number, mtimeMs: number, ino: number): { hash: string; blockTokens: number } | undefined {
    const e = this.data.repos[root]?.[file];
    if (e === undefined || e.length !== 5 || e[2] !== size || e[3] !== mtimeMs || e[4] !== ino) return undefined;
    return this.data.blobs[e[0]] === undefined ? undefined : { hash: e[0], blockTokens: e[1] };
  }

  /** Records facts for `hash` and the entry of `file` (with its stat when git does not vouch for it). */
  put(root: string, file: string, hash: string, blockTokens: number, facts: BlobFacts, stat?: { size: number; mtimeMs: number; ino: number }): void {
    this.data.blobs[hash] = facts;
    (this.data.repos[root] ??= {})[file] = stat ? [hash, blockTokens, stat.size, stat.mtimeMs, stat.ino] : [hash, blockTokens];
    this.dirty = true;
  }

  /**
   * Exact token count of a whole text, cached by its hash: an unchanged repo packs to the same
   * text, and recounting 100k+ tokens is the slowest step of a warm pack.
   */
  async countText(text: string, count: (t: string) => Promise<number>): Promise<number> {
    const key = createHash("sha1").update(text).digest("hex");
    const hit = this.data.texts.find(([k]) => k === key);
    if (hit !== undefined) return hit[1];
    const tokens = await count(text);
    this.data.texts.push([key, tokens]);
    if (this.data.texts.length > MAX_TEXTS) this.data.texts.shift();
    this.dirty = true;
    return tokens;
  }

  /**
   * Forgets paths of `root` not in `present` and blobs no path refers to, then writes the file
   * (when anything changed).
   */
  async save(root: string, present: ReadonlySet<string>): Promise<void> {
    const repo = this.data.repos[root];
    if (repo !== undefined) {
      for (const file of Object.keys(repo)) {
        if (!present.has(file)) {
          delete repo[file];
          this.dirty = true;
        }
      }
    }
    if (!this.dirty || this.file === undefined) return;
    const live = new Set<string>();
    for (const entries of Object.values(this.data.repos)) for (const e of Object.values(entries)) live.add(e[0]);
    for (const hash of Object.keys(this.data.blobs)) if (!live.has(hash)) delete this.data.blobs[hash];
    await mkdir(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(this.data));
    await rename(tmp, this.file);
    this.dirty = false;
  }
}
