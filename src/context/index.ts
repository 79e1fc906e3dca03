/**
 * The context engine: which of the repository's files go into the prompt for a task, and how
 * (full text, outline, listing), within a token budget, in a cache-stable order.
 */
export { packContext, AGENTS_FILE, type CountTokens, type PackOptions, type PackedContext, type PackedFile, type PackedRole } from "./pack.js";
export { renderFileBlock } from "./render.js";
export { packRest, restText, type RestBlock, type RestPack } from "./pack-rest.js";
export { DEFAULT_MAX_FILE_BYTES, type FilterOptions, type SkipReason } from "./filters.js";
export { rankFiles, DEFAULT_WEIGHTS, type Ranked, type RankTier, type RankWeights } from "./rank/rank.js";
export { filesNamedInTask } from "./rank/named.js";
export { blobHash, FactsCache } from "./facts-cache.js";
export { estimateTokens } from "./tokens.js";
export { contextReport, formatContextReport, type ContextReport, type ContextReportFile } from "./report.js";
