/**
 * Which repository files are worth tokens. Path rules run before any read; content rules run on
 * the bytes once per blob (their verdict is cached with the token count).
 */

/** Why a file is left out of the packed context (it still appears in the tree listing). */
export type SkipReason = "binary" | "lockfile" | "minified" | "vendored" | "too-large";

/** Packer filter options. */
export interface FilterOptions {
  /** Files larger than this many bytes are listed, not included. Default 262144 (256 KiB). */
  maxFileBytes?: number;
  /** Include lockfiles, minified and vendored files anyway. Default false. */
  includeGenerated?: boolean;
}

export const DEFAULT_MAX_FILE_BYTES = 256 * 1024;

const LOCKFILES = new Set([
  "package-lock.json",
  "npm-shrinkwrap.json",
  "yarn.lock",
  "pnpm-lock.yaml",
  "bun.lockb",
  "bun.lock",
  "Cargo.lock",
  "Gemfile.lock",
  "poetry.lock",
  "Pipfile.lock",
  "uv.lock",
  "composer.lock",
  "go.sum",
  "flake.lock",
  "mix.lock",
  "pubspec.lock",
  "Package.resolved",
  "packages.lock.json",
]);

/** A folder named like this anywhere in the path marks vendored code. */
const VENDOR_RE = /(?:^|\/)(?:node_modules|vendor|third_party|third-party|bower_components|\.yarn|Pods)\//;

const BINARY_EXTENSIONS = new Set(
  (
    "png jpg jpeg gif bmp ico webp avif tiff psd svgz pdf zip gz tgz bz2 xz 7z rar zst tar jar war class " +
    "so dylib dll exe o a lib obj bin dat db sqlite sqlite3 wasm pyc pyo mp3 mp4 m4a wav ogg flac mov avi " +
    "mkv webm woff woff2 ttf otf eot gguf ggml onnx pt pth safetensors npy npz parquet pkl"
  ).split(" "),
);

/** Path-only verdict: a reason to skip without reading, or undefined. */
export function skipByPath(file: string, opts: FilterOptions = {}): SkipReason | undefined {
  const slash = file.lastIndexOf("/");
  const base = file.slice(slash + 1);
  const dot = base.lastIndexOf(".");
  const ext = dot > 0 ? base.slice(dot + 1).toLowerCase() : "";
  if (BINARY_EXTENSIONS.has(ext)) return "binary";
  if (opts.includeGenerated) return undefined;
  if (LOCKFILES.has(base)) return "lockfile";
  if (/\.min\.(js|css|mjs)$/.test(base) || /[.-]bundle\.js$/.test(base)) return "minified";
  return VENDOR_RE.test(file) ? "vendored" : undefined;
}

/** Content verdict on the raw bytes: binary (a NUL in the first 8 KiB) or minified (very long lines). */
export function skipByContent(bytes: Uint8Array, opts: FilterOptions = {}): SkipReason | undefined {
  const head = Math.min(bytes.length, 8192);
  for (let i = 0; i < head; i++) if (bytes[i] === 0) return "binary";
  if (opts.includeGenerated || bytes.length < 2048) return undefined;
  let newlines = 0;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 10) newlines++;
  // Generated bundles: average line over 300 bytes (hand-written code rarely averages 60).
  return bytes.length / (newlines + 1) > 300 ? "minified" : undefined;
}
