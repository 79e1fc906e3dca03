/**
 * The model cache folder: finished models are `NAME.gguf` with a `NAME.gguf.json` sidecar saying
 * where they came from; `.partial`, `.partial.json` and `.lock` files belong to downloads in
 * progress and are never listed.
 */
import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { modelsDir } from "../paths.js";

/** Where a cached model came from (the sidecar). */
export interface ModelOrigin {
  /** The reference it was resolved from, e.g. `hf:Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF:Q8_0`. */
  uri: string;
  url: string;
  /** File inside the Hugging Face repo, for `hf:` references. */
  remoteFile?: string;
  etag?: string;
  /** ISO time the download finished. */
  downloadedAt: string;
}

/** One finished model in the cache. */
export interface CachedModel {
  /** The reference it was pulled as, or the file name when the sidecar is missing. */
  name: string;
  path: string;
  sizeBytes: number;
  origin?: ModelOrigin;
}

/** Options shared by the cache helpers. */
export interface CacheOptions {
  /** Folder holding models. Default `modelsDir(env)` (`$XDG_CACHE_HOME/spark/models`). */
  cacheDir?: string;
  /** Environment for the default folder. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/** The models folder these options point at. */
export function resolveCacheDir(opts: CacheOptions = {}): string {
  return opts.cacheDir ?? modelsDir(opts.env ?? process.env);
}

/** Writes the sidecar of `modelPath`. */
export async function writeOrigin(modelPath: string, origin: ModelOrigin): Promise<void> {
  await writeFile(`${modelPath}.json`, `${JSON.stringify(origin, null, 2)}\n`);
}

/** Reads the sidecar of `modelPath`, if any. */
export async function readOrigin(modelPath: string): Promise<ModelOrigin | undefined> {
  try {
    const parsed = JSON.parse(await readFile(`${modelPath}.json`, "utf8")) as Partial<ModelOrigin>;
    return typeof parsed.uri === "string" && typeof parsed.url === "string" ? (parsed as ModelOrigin) : undefined;
  } catch {
    return undefined;
  }
}

/** Finished models in the cache, sorted by name; an absent folder is an empty cache. */
export async function listCachedModels(opts: CacheOptions = {}): Promise<CachedModel[]> {
  const dir = resolveCacheDir(opts);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  const models: CachedModel[] = [];
  for (const file of names.filter((n) => n.toLowerCase().endsWith(".gguf"))) {
    const full = path.join(dir, file);
    const s = await stat(full).catch(() => undefined);
    if (!s?.isFile()) continue;
    const origin = await readOrigin(full);
    models.push({ name: origin?.uri ?? file, path: full, sizeBytes: s.size, ...(origin ? { origin } : {}) });
  }
  return models.sort((a, b) => a.name.localeCompare(b.name));
}
