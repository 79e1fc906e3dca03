/**
 * Parsing of `--model` values and the cache file names they map to. Pure: no I/O.
 * Accepted: a local path (or file: URL), `hf:USER/REPO[:QUANT]`, `hf:USER/REPO/path/file.gguf[#REV]`
 * (also spelled `hf://` or `huggingface:`, as node-llama-cpp accepts), or an http(s) URL.
 */
import { createHash } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { UsageError } from "../errors.js";

/** A parsed model reference. */
export type ModelRef =
  | { kind: "file"; path: string }
  | { kind: "hf"; user: string; repo: string; quant?: string; file?: string; revision: string }
  | { kind: "url"; url: string };

const hfPrefixes = ["hf://", "huggingface://", "hf:", "huggingface:"];
const defaultRevision = "main";
const namePart = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Parses a `--model` value; relative paths resolve against `cwd`. Throws `UsageError` on bad syntax. */
export function parseModelRef(uri: string, cwd: string = process.cwd()): ModelRef {
  const trimmed = uri.trim();
  if (trimmed === "") throw new UsageError("empty model reference");
  const prefix = hfPrefixes.find((p) => trimmed.toLowerCase().startsWith(p));
  if (prefix !== undefined) return parseHf(trimmed.slice(prefix.length), uri);
  if (/^https?:\/\//i.test(trimmed)) {
    let url: URL;
    try {
      url = new URL(trimmed);
    } catch {
      throw new UsageError(`invalid model URL: ${uri}`);
    }
    return { kind: "url", url: normalizeBlobUrl(url).href };
  }
  if (trimmed.startsWith("file://")) return { kind: "file", path: fileURLToPath(trimmed) };
  return { kind: "file", path: path.resolve(cwd, trimmed) };
}

function parseHf(rest: string, original: string): ModelRef {
  const bad = (): UsageError =>
    new UsageError(`invalid Hugging Face model "${original}": expected hf:USER/REPO[:QUANT] or hf:USER/REPO/FILE.gguf`);
  const [user, repoAndTag, ...fileParts] = rest.split("/");
  if (user === undefined || repoAndTag === undefined || !namePart.test(user)) throw bad();
  if (fileParts.length === 0 || repoAndTag.includes(":")) {
    if (fileParts.length > 0) throw bad();
    const [repo, quant, ...more] = repoAndTag.split(":");
    if (repo === undefined || !namePart.test(repo) || more.length > 0) throw bad();
    if (quant !== undefined && !/^[A-Za-z0-9_.-]+$/.test(quant)) throw bad();
    return quant ? { kind: "hf", user, repo, quant: quant.toUpperCase(), revision: defaultRevision } : { kind: "hf", user, repo, revision: defaultRevision };
  }
  if (!namePart.test(repoAndTag)) throw bad();
  const joined = fileParts.join("/");
  const hash = joined.indexOf("#");
  const file = hash >= 0 ? joined.slice(0, hash) : joined;
  const revision = hash >= 0 && joined.slice(hash + 1) !== "" ? joined.slice(hash + 1) : defaultRevision;
  if (file === "" || file.split("/").some((p) => p === "" || p === "." || p === "..")) throw bad();
  return { kind: "hf", user, repo: repoAndTag, file, revision };
}

/** `https://huggingface.co/U/R/blob/main/f.gguf` (a web page) → its `/resolve/` download URL. */
function normalizeBlobUrl(url: URL): URL {
  const parts = url.pathname.split("/");
  if (/(^|\.)(huggingface\.co|hf\.co)$/i.test(url.hostname) && parts[3] === "blob") {
    parts[3] = "resolve";
    const copy = new URL(url.href);
    copy.pathname = parts.join("/");
    return copy;
  }
  return url;
}

/** Canonical text of a reference, as stored in the cache and printed by `spark model list`. */
export function formatModelRef(ref: ModelRef): string {
  switch (ref.kind) {
    case "file":
      return ref.path;
    case "url":
      return ref.url;
    case "hf": {
      const base = `hf:${ref.user}/${ref.repo}`;
      if (ref.file === undefined) return ref.quant ? `${base}:${ref.quant}` : base;
      return `${base}/${ref.file}${ref.revision !== defaultRevision ? `#${ref.revision}` : ""}`;
    }
  }
}

function safe(part: string): string {
  return part.replace(/[^A-Za-z0-9._-]+/g, "_");
}

function withGguf(name: string): string {
  return name.toLowerCase().endsWith(".gguf") ? name : `${name}.gguf`;
}

/**
 * File name a remote reference is cached under, derived from the reference alone so a second run
 * finds it without asking the network: `hf_USER_REPO_QUANT.gguf`, `hf_USER_REPO_path__file.gguf`,
 * `url_HOST_BASENAME-HASH8.gguf` (the hash keeps same-named files from different URLs apart).
 */
export function cacheFileName(ref: Exclude<ModelRef, { kind: "file" }>): string {
  if (ref.kind === "url") {
    const url = new URL(ref.url);
    const base = decodeURIComponent(url.pathname.split("/").pop() ?? "") || "model";
    const hash = createHash("sha256").update(ref.url).digest("hex").slice(0, 8);
    const stem = base.toLowerCase().endsWith(".gguf") ? base.slice(0, -5) : base;
    return `url_${safe(url.host)}_${safe(stem)}-${hash}.gguf`;
  }
  const head = `hf_${safe(ref.user)}_${safe(ref.repo)}`;
  if (ref.file === undefined) return `${head}${ref.quant ? `_${safe(ref.quant)}` : ""}.gguf`;
  const file = withGguf(ref.file.split("/").map(safe).join("__"));
  const rev = ref.revision !== defaultRevision ? `@${safe(ref.revision)}` : "";
  return `${head}_${rev ? file.slice(0, -5) + rev + ".gguf" : file}`;
}
