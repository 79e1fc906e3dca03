/** The context packer: what of the repository goes into the prompt, in which order. */
export { packContext, AGENTS_FILE, type PackOptions, type PackedContext, type PackedFile, type PackedRole } from "./pack.js";
export { renderFileBlock } from "./render.js";
export { DEFAULT_MAX_FILE_BYTES, type FilterOptions, type SkipReason } from "./filters.js";
export { listRepoFiles, recentlyChangedFiles, type RepoFile } from "./git-files.js";
export { rankFiles, filesNamedInTask, type Ranked, type RankTier } from "./relevance.js";
export { blobHash } from "./facts-cache.js";
export type { CountTokens } from "./scan.js";
