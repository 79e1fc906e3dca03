/** Where models come from: `--model` resolution, downloads into the cache, GGUF validation. */
export { DEFAULT_MODEL_URI, defaultModelUri, resolveModel, type ResolveModelOptions, type ResolvedModel } from "./resolve-model.js";
export { listCachedModels, type CachedModel, type CacheOptions, type ModelOrigin } from "./model-cache.js";
export { readGgufHeader, type GgufArray, type GgufHeader, type GgufValue } from "./gguf-header.js";
export { assertSupportedArchitecture, supportedArchitectures, validateModelFile } from "./validate-model.js";
export { parseModelRef, formatModelRef, cacheFileName, type ModelRef } from "./model-uri.js";
export { downloadToFile, type DownloadOptions, type DownloadProgress, type DownloadResult } from "./download.js";
export { createDownloadProgress, formatBytes, formatProgressLine, type DownloadProgressOptions, type DownloadProgressReporter } from "./progress.js";
export { ModelError } from "../errors.js";
