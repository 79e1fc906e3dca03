/**
 * The context engine's cache on disk: facts per git blob id (model-independent: words, outline,
 * estimated tokens), for files git does not vouch for (modified, untracked) their stat so
 * unchanged ones are neither read nor hashed, exact token counts of whole packed texts per
 * tokenizer, and the parsed history per HEAD. One file under `<cache>/spark/packer/` (V8's
 * serialization format), written atomically; the last writer wins. A process keeps what it loaded, so a second pack in
 * the TUI or `spark serve` does not read the file again.
 */
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { deserialize, serialize } from "node:v8";
import type { BlobFacts } from "./facts.js";

/** `[hash, size, mtimeMs, ino]` of a file validated by stat. */
type StatEntry = [string, number, number, number];

interface CacheData {
  version: number;
  blobs: Record<string, BlobFacts>;
  /** repo root → path → stat entry (files git does not vouch for). */
  stats: Record<string, Record<string, StatEntry>>;
  /** Exact counts of whole texts ("tokenizer sha1" → tokens), newest last. */
  texts: [string, number][];
  /** repo root → [HEAD, commits' files] */
  history: Record<string, [string, string[][]]>;
}

const VERSION = 5;
/** Packed texts whose exact counts are kept. */
const MAX_TEXTS = 64;
// V8's serializer, not JSON: it reads a cline-sized cache (9 MB) in half the time.
const FILE = `facts-v${VERSION}.bin`;

/** Git's blob id of `bytes` (sha1 of "blob <len>\0" + bytes), so ids match `git hash-object`. */
export function blobHash(bytes: Uint8Array): string {
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

const loaded = new Map<string, CacheData>();

/** The facts cache. */
export class FactsCache {
  private dirty = false;
  private constructor(
    private readonly file: string | undefined,
    private readonly data: CacheData,
  ) {}

  /** Opens (or starts) the cache in `dir`; `dir` undefined keeps it in memory only. */
  static async open(dir: string | undefined): Promise<FactsCache> {
    const empty = (): CacheData => ({ version: VERSION, blobs: {}, stats: {}, texts: [], history: {} });
    if (dir === undefined) return new FactsCache(undefined, empty());
    const file = path.join(dir, FILE);
    const held = loaded.get(file);
    if (held !== undefined) return new FactsCache(file, held);
    let data = empty();
    try {
      const parsed = deserialize(await readFile(file)) as CacheData;
      if (parsed.version === VERSION) data = parsed;
    } catch {
      // missing or unreadable: start over, it is only a cache
    }
    loaded.set(file, data);
    return new FactsCache(file, data);
  }

  /** Forgets what this process holds of every cache file (tests measuring cold packs). */
  static forgetLoaded(): void {
    loaded.clear();
  }

  blob(hash: string): BlobFacts | undefined {
    return this.data.blobs[hash];
  }

  /** The hash of `file` if its size, mtime and inode still match what was recorded. */
  byStat(root: string, file: string, size: number, mtimeMs: number, ino: number): string | undefined {
    const e = this.data.stats[root]?.[file];
    if (e === undefined || e[1] !== size || e[2] !== mtimeMs || e[3] !== ino) return undefined;
    return this.data.blobs[e[0]] === undefined ? undefined : e[0];
  }

  /** Records the facts of `hash` (and, for a file git does not vouch for, its stat). */
  put(hash: string, facts: BlobFacts, at?: { root: string; file: string; size: number; mtimeMs: number; ino: number }): void {
    this.data.blobs[hash] = facts;
    if (at !== undefined) (this.data.stats[at.root] ??= {})[at.file] = [hash, at.size, at.mtimeMs, at.ino];
    this.dirty = true;
  }

  /** The history recorded for `root` at `head`. */
  history(root: string, head: string): string[][] | undefined {
    const h = this.data.history[root];
    return h !== undefined && h[0] === head ? h[1] : undefined;
  }

  putHistory(root: string, head: string, commits: string[][]): void {
    this.data.history[root] = [head, commits];
    this.dirty = true;
  }

  /**
   * Exact token count of a whole text by `tokenizer`, cached by its hash: an unchanged repo packs
   * to the same text, and recounting 100k tokens is the slowest step of a warm pack.
   */
  async countText(tokenizer: string, text: string, count: (t: string) => Promise<number>): Promise<number> {
    const key = createHash("sha1").update(tokenizer).update("\0").update(text).digest("hex");
    const hit = this.data.texts.find(([k]) => k === key);
    if (hit !== undefined) return hit[1];
    const tokens = await count(text);
    this.data.texts.push([key, tokens]);
    if (this.data.texts.length > MAX_TEXTS) this.data.texts.shift();
    this.dirty = true;
    return tokens;
  }

  /**
   * Forgets stat entries of `root` not in `present` and blobs that no file of `root` uses and no
   * other repository's stat entry keeps, then writes the file (when anything changed). `inUse`:
   * the blob ids of `root`'s files now.
   */
  async save(root: string, present: ReadonlySet<string>, inUse: ReadonlySet<string>): Promise<void> {
    const stats = this.data.stats[root];
    if (stats !== undefined) {
      for (const file of Object.keys(stats)) {
        if (!present.has(file)) {
          delete stats[file];
          this.dirty = true;
        }
      }
    }
    if (!this.dirty || this.file === undefined) return;
    // Blobs of other checkouts stay: switching branches should not make the next pack cold.
    // Only when the cache grows past a bound are blobs outside this checkout dropped.
    const ids = Object.keys(this.data.blobs);
    if (ids.length > MAX_BLOBS) {
      const keep = new Set(inUse);
      for (const entries of Object.values(this.data.stats)) for (const e of Object.values(entries)) keep.add(e[0]);
      for (const id of ids) if (!keep.has(id)) delete this.data.blobs[id];
    }
    await mkdir(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, serialize(this.data));
    await rename(tmp, this.file);
    this.dirty = false;
  }
}

/** Blobs kept before those outside the current checkout are dropped. */
const MAX_BLOBS = 40_000;
