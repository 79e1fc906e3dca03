/**
 * Per-model cache of what the packer learns about a blob (token count with the model's own
 * tokenizer, skip verdict, identifiers), keyed by git blob hash, plus a stat index
 * (path, size, mtime, inode → blob hash) so unchanged files are not even read. One JSON file per
 * model under `<cache>/spark/packer/`, written atomically; the last writer wins.
 */
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import type { SkipReason } from "./filters.js";

/** Facts about one blob (file content), independent of its path. */
export interface BlobFacts {
  /** Tokens of the content alone; 0 when skipped. */
  tokens: number;
  skip?: SkipReason;
  defs: string[];
  idents: string[];
}

/** What the stat index remembers about one path. */
export interface StatEntry {
  size: number;
  mtimeMs: number;
  ino: number;
  hash: string;
  /** Tokens of the whole rendered file block (header + fence + content). */
  blockTokens: number;
}

interface CacheData {
  version: 2;
  model: string;
  blobs: Record<string, BlobFacts>;
  /** repo root → path → entry */
  repos: Record<string, Record<string, StatEntry>>;
}

const VERSION = 2;

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
    const empty: CacheData = { version: VERSION, model, blobs: {}, repos: {} };
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

  /** The stat entry of `file` in `root` if size, mtime and inode still match. */
  lookup(root: string, file: string, size: number, mtimeMs: number, ino: number): StatEntry | undefined {
    const entry = this.data.repos[root]?.[file];
    if (entry === undefined || entry.size !== size || entry.mtimeMs !== mtimeMs || entry.ino !== ino) return undefined;
    return this.data.blobs[entry.hash] === undefined ? undefined : entry;
  }

  blob(hash: string): BlobFacts | undefined {
    return this.data.blobs[hash];
  }

  /** Records facts for `hash` and the stat entry of `file`. */
  put(root: string, file: string, entry: StatEntry, facts: BlobFacts): void {
    this.data.blobs[entry.hash] = facts;
    (this.data.repos[root] ??= {})[file] = entry;
    this.dirty = true;
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
    for (const entries of Object.values(this.data.repos)) for (const e of Object.values(entries)) live.add(e.hash);
    for (const hash of Object.keys(this.data.blobs)) if (!live.has(hash)) delete this.data.blobs[hash];
    await mkdir(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(this.data));
    await rename(tmp, this.file);
    this.dirty = false;
  }
}
