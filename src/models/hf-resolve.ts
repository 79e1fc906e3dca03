/**
 * Turns an `hf:` reference into a download URL. `hf:USER/REPO:QUANT` is resolved the way
 * node-llama-cpp and llama.cpp's `-hf` do it (the Hub's `/v2/USER/REPO/manifests/TAG` endpoint,
 * which picks the file for a quant tag), so Spark downloads the same file they would; mirrors
 * without that endpoint fall back to the repo listing `/api/models/USER/REPO`. node-llama-cpp's
 * own resolver is not reused because it is not exported (`resolveParsedModelUri` is internal) and
 * its public entry points only resolve as the first step of an ipull download (see download.ts).
 */
import { ModelError } from "../errors.js";
import { fetchError, statusError } from "./http-util.js";
import type { ModelRef } from "./model-uri.js";

type HfRef = Extract<ModelRef, { kind: "hf" }>;

/** Where to fetch a Hugging Face file from. */
export interface HfTarget {
  /** Path of the file inside the repo. */
  file: string;
  url: string;
}

/** node-llama-cpp's pick when no quant is given. */
const defaultQuant = "Q4_K_M";

/**
 * The Hugging Face endpoint with a trailing slash: `explicit`, else `MODEL_ENDPOINT`, else
 * `HF_ENDPOINT` (the same order node-llama-cpp uses), else https://huggingface.co/.
 */
export function huggingFaceEndpoint(explicit: string | undefined, env: NodeJS.ProcessEnv): string {
  const pick = [explicit, env.MODEL_ENDPOINT, env.HF_ENDPOINT].find((e) => e !== undefined && /^https?:\/\//i.test(e));
  const base = pick ?? "https://huggingface.co/";
  return base.endsWith("/") ? base : `${base}/`;
}

/** `Authorization` header for the Hub when `HF_TOKEN` is set. */
export function hfAuthHeaders(env: NodeJS.ProcessEnv): Record<string, string> {
  const token = env.HF_TOKEN ?? env.HUGGING_FACE_HUB_TOKEN;
  return token ? { Authorization: `Bearer ${token}` } : {};
}

function fileUrl(endpoint: string, ref: HfRef, file: string): string {
  const enc = (s: string): string => s.split("/").map(encodeURIComponent).join("/");
  return `${endpoint}${enc(ref.user)}/${enc(ref.repo)}/resolve/${encodeURIComponent(ref.revision)}/${enc(file)}`;
}

/** Resolves `ref` to a file and its URL; asks the network only when the ref names no file. */
export async function resolveHfTarget(
  ref: HfRef,
  endpoint: string,
  env: NodeJS.ProcessEnv,
  signal: AbortSignal | undefined,
): Promise<HfTarget> {
  const file = ref.file ?? (await pickFile(ref, endpoint, env, signal));
  if (/-\d{5}-of-\d{5}\.gguf$/i.test(file)) {
    throw new ModelError(`hf:${ref.user}/${ref.repo} has split GGUF files (${file}); Spark does not download split models yet, pass a path instead`);
  }
  return { file, url: fileUrl(endpoint, ref, file) };
}

async function getJson(url: string, headers: Record<string, string>, what: string, signal: AbortSignal | undefined): Promise<{ status: number; statusText: string; body: unknown }> {
  try {
    const res = await fetch(url, { headers: { Accept: "application/json", ...headers }, ...(signal ? { signal } : {}) });
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: res.status, statusText: res.statusText, body };
  } catch (err) {
    throw fetchError(err, what, signal);
  }
}

async function pickFile(ref: HfRef, endpoint: string, env: NodeJS.ProcessEnv, signal: AbortSignal | undefined): Promise<string> {
  const name = `hf:${ref.user}/${ref.repo}`;
  const what = `resolving ${name}${ref.quant ? `:${ref.quant}` : ""}`;
  const auth = hfAuthHeaders(env);
  const repoPath = `${encodeURIComponent(ref.user)}/${encodeURIComponent(ref.repo)}`;
  const manifestUrl = `${endpoint}v2/${repoPath}/manifests/${encodeURIComponent(ref.quant ?? "latest")}`;
  // The Hub only includes `ggufFile` for llama.cpp's user agent.
  const manifest = await getJson(manifestUrl, { ...auth, "User-Agent": "llama-cpp" }, what, signal);
  if (manifest.status === 401 || manifest.status === 403) throw statusError(manifest.status, manifest.statusText, what, manifestUrl);
  const rfilename = (manifest.body as { ggufFile?: { rfilename?: unknown } } | undefined)?.ggufFile?.rfilename;
  if (manifest.status === 200 && typeof rfilename === "string" && rfilename !== "") return rfilename;

  const listingUrl = `${endpoint}api/models/${repoPath}`;
  const listing = await getJson(listingUrl, auth, what, signal);
  if (listing.status === 404) throw new ModelError(`model ${name} not found at ${endpoint}`);
  if (listing.status !== 200) throw statusError(listing.status, listing.statusText, what, listingUrl);
  const siblings = (listing.body as { siblings?: { rfilename?: unknown }[] } | undefined)?.siblings ?? [];
  const ggufs = siblings
    .map((s) => s.rfilename)
    .filter((f): f is string => typeof f === "string" && f.toLowerCase().endsWith(".gguf") && !/mmproj/i.test(f));
  if (ggufs.length === 0) throw new ModelError(`model ${name} has no GGUF files`);
  const wanted = ref.quant ?? defaultQuant;
  const match = ggufs.find((f) => quantOf(f) === wanted);
  if (match !== undefined) return match;
  if (ref.quant === undefined && ggufs.length === 1 && ggufs[0] !== undefined) return ggufs[0];
  const available = [...new Set(ggufs.map((f) => quantOf(f) ?? f))].join(", ");
  throw new ModelError(`model ${name} has no ${wanted} file (available: ${available}); pick one with ${name}:QUANT`);
}

/** Quant tag a GGUF file name ends with, upper-cased: `qwen2.5-coder-1.5b-instruct-q8_0.gguf` → "Q8_0". */
export function quantOf(file: string): string | undefined {
  const stem = (file.split("/").pop() ?? file).replace(/(-\d{5}-of-\d{5})?\.gguf$/i, "");
  const m = /[-._]((?:I?Q\d|TQ\d|F16|F32|BF16|MXFP4)[A-Z0-9_]*)$/i.exec(stem);
  return m?.[1]?.toUpperCase();
}
