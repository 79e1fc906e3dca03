/**
 * The context engine's cache on disk: facts per git blob id (model-independent: words, outline,
 * estimated tokens), for files git does not vouch for (modified, untracked) their stat so
 * unchanged ones are neither read nor hashed, exact token counts of whole packed texts per
 * tokenizer, the parsed history per HEAD, and the ranking's memos of path terms and resolved import
 * graphs (`path-columns.ts`, `graph.ts`). One file under `<cache>/spark/packer/` (V8's
 * serialization format), written atomically; the last writer wins. A process keeps what it loaded, so a second pack in
 * the TUI or `spark serve` does not read the file again.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { deserialize, serialize } from "node:v8";
import type { BlobFacts } from "./facts.js";
import { loadImportGraphs, savedImportGraphs } from "./rank/graph.js";
import { loadPathColumns, pathColumnCount, savedPathColumns, type SavedPathColumns } from "./rank/path-columns.js";
import { loadIdentifierTerms, savedIdentifierTerms } from "./terms.js";

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
  /** What the file holds of the ranking's memos: graph keys, and how many path columns. */
  memos: { graphs: string[]; paths: number };
}

const VERSION = 8;
/** Packed texts whose exact counts are kept. */
const MAX_TEXTS = 64;
// V8's serializer, with the facts of all blobs in a few long strings (columns) rather than
// thousands of small objects: reading cline's cache (9 MB) took 0.8 s as JSON, 0.4 s as objects
// through V8's serializer, and is a split of a few strings this way.
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
    const empty = (): CacheData => ({ version: VERSION, blobs: {}, stats: {}, texts: [], history: {}, memos: { graphs: [], paths: 0 } });
    if (dir === undefined) return new FactsCache(undefined, empty());
    const file = path.join(dir, FILE);
    const held = loaded.get(file);
    if (held !== undefined) return new FactsCache(file, held);
    let data = empty();
    try {
      // One read: the promise API reads a large file in 512 KiB chunks, each a trip through the pool.
      const parsed = deserialize(readFileSync(file)) as StoredData;
      if (parsed.version === VERSION) {
        data = fromStored(parsed);
        loadIdentifierTerms(parsed.words);
        loadPathColumns(parsed.pathColumns);
        loadImportGraphs(parsed.graphs);
      }
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
    // The ranking's memos grew (a new path, a changed import graph) even when no facts did.
    const graphs = savedImportGraphs();
    const newest = graphs[graphs.length - 1]?.[0];
    if ((newest !== undefined && !this.data.memos.graphs.includes(newest)) || pathColumnCount() > this.data.memos.paths) this.dirty = true;
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
    const stored = toStored(this.data);
    await writeFile(tmp, serialize(stored));
    await rename(tmp, this.file);
    this.dirty = false;
    this.data.memos = memosOf(stored);
  }
}

function memosOf(s: Pick<StoredData, "graphs" | "pathColumns">): CacheData["memos"] {
  return { graphs: s.graphs.map(([k]) => k), paths: s.pathColumns.lengths.length / 2 };
}

/** Blobs kept before those outside the current checkout are dropped. */
const MAX_BLOBS = 40_000;

/** The file's layout: per-blob fields as columns, long text fields joined into single strings. */
interface StoredData {
  version: number;
  ids: string;
  /** Per blob: bytes, tokens, fence, nl (0/1), bodyLength, skip index (-1: none). */
  numbers: Float64Array;
  body: string;
  defTerms: string;
  /**
   * `utf8Column`s. Names, specifiers and outlines come from texts that may hold any character:
   * as plain strings these columns were two-byte (twice the bytes to read and copy), and so was
   * every field split from them.
   */
  defs: string;
  imports: string;
  outline: string;
  /** The split and stemmed words of paths and tasks (`savedIdentifierTerms`). */
  words: string;
  /** `savedPathColumns`. */
  pathColumns: SavedPathColumns;
  /** `savedImportGraphs`. */
  graphs: [string, string][];
  stats: CacheData["stats"];
  texts: CacheData["texts"];
  history: CacheData["history"];
}

const SKIPS = ["binary", "lockfile", "minified", "vendored", "too-large"] as const;
// Separators that never occur inside a field: terms, names and specifiers have no control
// characters, and outline lines are joined with newlines, not this.
const SEP = "\u0001";
const FIELDS = 6;

const NON_ASCII = /[\x80-\xff]/;

/** `fields` joined as UTF-8 bytes, a byte a character: a one-byte string whatever they hold. */
function utf8Column(fields: readonly string[]): string {
  return Buffer.from(fields.join(SEP), "utf8").toString("latin1");
}

/** The fields of a `utf8Column`; only those with non-ASCII text need decoding. */
function fromUtf8Column(column: string): string[] {
  return column.split(SEP).map((f) => (NON_ASCII.test(f) ? Buffer.from(f, "latin1").toString("utf8") : f));
}

function toStored(data: CacheData): StoredData {
  const ids = Object.keys(data.blobs);
  const numbers = new Float64Array(ids.length * FIELDS);
  const cols = { body: [] as string[], defTerms: [] as string[], defs: [] as string[], imports: [] as string[], outline: [] as string[] };
  ids.forEach((id, i) => {
    const f = data.blobs[id] as BlobFacts;
    numbers.set([f.bytes, f.tokens, f.fence, f.nl ? 1 : 0, f.bodyLength, f.skip === undefined ? -1 : SKIPS.indexOf(f.skip)], i * FIELDS);
    cols.body.push(f.body);
    cols.defTerms.push(f.defTerms);
    cols.defs.push(f.defs);
    cols.imports.push(f.imports);
    cols.outline.push(f.outline);
  });
  return {
    version: VERSION,
    ids: ids.join(SEP),
    numbers,
    body: cols.body.join(SEP),
    defTerms: cols.defTerms.join(SEP),
    defs: utf8Column(cols.defs),
    imports: utf8Column(cols.imports),
    outline: utf8Column(cols.outline),
    words: savedIdentifierTerms(),
    pathColumns: savedPathColumns(),
    graphs: savedImportGraphs(),
    stats: data.stats,
    texts: data.texts,
    history: data.history,
  };
}

function fromStored(s: StoredData): CacheData {
  const blobs: Record<string, BlobFacts> = {};
  if (s.ids.length > 0) {
    const ids = s.ids.split(SEP);
    const [body, defTerms] = [s.body, s.defTerms].map((c) => c.split(SEP));
    const [defs, imports, outline] = [s.defs, s.imports, s.outline].map(fromUtf8Column);
    ids.forEach((id, i) => {
      const n = (k: number): number => s.numbers[i * FIELDS + k] ?? 0;
      const skip = SKIPS[n(5)];
      blobs[id] = {
        bytes: n(0),
        tokens: n(1),
        fence: n(2),
        nl: n(3) === 1,
        bodyLength: n(4),
        body: body?.[i] ?? " ",
        defTerms: defTerms?.[i] ?? " ",
        defs: defs?.[i] ?? "",
        imports: imports?.[i] ?? "",
        outline: outline?.[i] ?? "",
        ...(skip !== undefined ? { skip } : {}),
      };
    });
  }
  return { version: VERSION, blobs, stats: s.stats, texts: s.texts, history: s.history, memos: memosOf(s) };
}
