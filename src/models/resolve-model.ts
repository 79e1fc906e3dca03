/**
 * `--model` → a validated GGUF file on disk: local paths are checked in place, `hf:` references
 * and URLs are downloaded once into the cache (resuming an interrupted download) and reused.
 */
import { mkdir, stat } from "node:fs/promises";
import path from "node:path";
import { ModelError } from "../errors.js";
import { downloadToFile, type DownloadProgress } from "./download.js";
import type { GgufHeader } from "./gguf-header.js";
import { hfAuthHeaders, huggingFaceEndpoint, resolveHfTarget } from "./hf-resolve.js";
import { resolveCacheDir, writeOrigin, type CacheOptions } from "./model-cache.js";
import { cacheFileName, formatModelRef, parseModelRef, type ModelRef } from "./model-uri.js";
import { validateModelFile } from "./validate-model.js";

/**
 * Spark's default model: Qwen's own Qwen2.5-Coder-1.5B-Instruct at Q8_0
 * (`qwen2.5-coder-1.5b-instruct-q8_0.gguf`, 1.89 GB). A code-tuned instruct model small enough to
 * decode fast on a laptop CPU with the whole 32k context resident, from the publisher's official
 * GGUF repo; Q8_0 because it is near-lossless at this size, which a 1.5B model needs more than a
 * large one. Q4_0 is faster on a CPU (llama.cpp repacks it for batched matrix products): on the
 * 0.5B shape here decode 23 vs 19 tok/s and speculative edits 53 vs 31 tok/s, so the README
 * offers it (`--model hf:Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF:Q4_0`) to those who want speed
 * over fidelity. The bench models in fixtures/ copy its shape.
 */
export const DEFAULT_MODEL_URI = "hf:Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF:Q8_0";

/** The model to use when `--model` is absent: `SPARK_MODEL`, else `DEFAULT_MODEL_URI`. */
export function defaultModelUri(env: NodeJS.ProcessEnv = process.env): string {
  return env.SPARK_MODEL && env.SPARK_MODEL.trim() !== "" ? env.SPARK_MODEL : DEFAULT_MODEL_URI;
}

/** Options of `resolveModel`. */
export interface ResolveModelOptions extends CacheOptions {
  /** Cancels a download (the `.partial` is kept for the next run); throws InterruptedError. */
  signal?: AbortSignal;
  /** Download progress, after every chunk (throttle in the consumer). */
  onProgress?: (p: DownloadProgress) => void;
  /**
   * Hugging Face endpoint. Default: `MODEL_ENDPOINT`, then `HF_ENDPOINT` from `env`, then
   * https://huggingface.co/ (node-llama-cpp's order).
   */
  endpoint?: { huggingFace?: string };
  /** Base of relative paths. Default `process.cwd()`. */
  cwd?: string;
  /** Download a remote model that is not cached yet. Default true; false fails instead. */
  download?: boolean;
}

/** A model file ready to load. */
export interface ResolvedModel {
  /** Absolute path of the GGUF file. */
  path: string;
  source: "file" | "hf" | "url";
  /** The reference in canonical form (a local path for files). */
  uri: string;
  sizeBytes: number;
  /** True when this call downloaded (some of) it. */
  downloaded: boolean;
  /** Its GGUF facts (already validated). */
  header: GgufHeader;
}

/** Resolves `uri` (path, `hf:USER/REPO[:QUANT]`, `hf:USER/REPO/FILE.gguf` or URL) to a checked local GGUF. */
export async function resolveModel(uri: string, opts: ResolveModelOptions = {}): Promise<ResolvedModel> {
  const ref = parseModelRef(uri, opts.cwd);
  if (ref.kind === "file") {
    const header = await validateModelFile(ref.path);
    return { path: ref.path, source: "file", uri: ref.path, sizeBytes: header.fileSize, downloaded: false, header };
  }
  const canonical = formatModelRef(ref);
  const dir = resolveCacheDir(opts);
  const dest = path.join(dir, cacheFileName(ref));
  const cached = await stat(dest).then((s) => s.isFile(), () => false);
  if (cached) {
    const header = await validateModelFile(dest).catch((err: unknown) => {
      throw err instanceof ModelError ? new ModelError(`${err.message}; delete it to download ${canonical} again`, { cause: err }) : err;
    });
    return { path: dest, source: ref.kind, uri: canonical, sizeBytes: header.fileSize, downloaded: false, header };
  }
  if (opts.download === false) throw new ModelError(`model ${canonical} is not downloaded; run: spark model pull ${canonical}`);
  return download(ref, canonical, dest, opts);
}

async function download(ref: Exclude<ModelRef, { kind: "file" }>, canonical: string, dest: string, opts: ResolveModelOptions): Promise<ResolvedModel> {
  const env = opts.env ?? process.env;
  const endpoint = huggingFaceEndpoint(opts.endpoint?.huggingFace, env);
  let url: string;
  let remoteFile: string | undefined;
  if (ref.kind === "hf") {
    const target = await resolveHfTarget(ref, endpoint, env, opts.signal);
    url = target.url;
    remoteFile = target.file;
  } else {
    url = ref.url;
  }
  // The token goes only to the Hub itself, never to an arbitrary URL.
  const headers = new URL(url).host === new URL(endpoint).host ? hfAuthHeaders(env) : {};
  try {
    await mkdir(path.dirname(dest), { recursive: true });
  } catch (err) {
    throw new ModelError(`cannot create the model cache ${path.dirname(dest)}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
  }
  let header: GgufHeader | undefined;
  const result = await downloadToFile({
    url,
    dest,
    headers,
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    verify: async (partial) => {
      try {
        header = await validateModelFile(partial);
      } catch (err) {
        if (err instanceof ModelError) throw new ModelError(`downloaded ${canonical}: ${err.message.replaceAll(partial, url)}`, { cause: err });
        throw err;
      }
    },
  });
  await writeOrigin(dest, {
    uri: canonical,
    url,
    ...(remoteFile !== undefined ? { remoteFile } : {}),
    ...(result.etag !== undefined ? { etag: result.etag } : {}),
    downloadedAt: new Date().toISOString(),
  });
  if (header === undefined) throw new ModelError(`downloaded ${canonical} but could not read it`);
  // The header was read from the `.partial`; report the final path.
  return { path: dest, source: ref.kind, uri: canonical, sizeBytes: result.sizeBytes, downloaded: true, header: { ...header, path: dest } };
}
