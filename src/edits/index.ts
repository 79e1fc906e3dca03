/**
 * Edits that always apply: three formats behind one interface (prompt text, GBNF grammar,
 * incremental parser, renderer), a matching chain that finds the model's "before" text even when
 * it drifted, a dry-run planner, and an all-or-nothing atomic applier.
 */
export type { DeleteEdit, Edit, EditFormat, EditParser, FormatName, ParseEvent, SearchReplaceEdit, UdiffEdit, UdiffHunk, WholeEdit } from "./types.js";
export { formats, detectFormat, isFormatName } from "./formats/index.js";
export { searchReplaceFormat } from "./formats/search-replace.js";
export { udiffFormat } from "./formats/udiff.js";
export { wholeFormat } from "./formats/whole.js";
export { checkEditTarget, planEdits, type EditPlan, type FileChange, type PlanOptions } from "./plan.js";
export { applyPlan, type ApplyOptions } from "./apply-plan.js";
export { EditApplyError, EditParseError, EditRefusedError, isEditError, type EditError, type EditFailure, type EditFailureReason, type RefusalReason } from "./errors.js";
export { nodeFs, NotRegularFileError, type EditFs, type FileStat } from "./fs.js";
export { createMemoryFs, type MemoryFs } from "./memory-fs.js";
export { matchBlock, type MatchOutcome, type MatchStage } from "./match/index.js";
export { parseEdits, parseReply } from "./parse.js";
export { formatOfEdit, recognizingParser } from "./formats/recognize.js";
