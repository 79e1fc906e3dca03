/** The edit formats Spark speaks. */
export type FormatName = "search-replace" | "udiff" | "whole";

/**
 * Replace `search` with `replace` in `path` (a `<<<<<<< SEARCH` block). Both are whole lines,
 * each ending in "\n"; an empty `search` creates the file (or appends to an empty one).
 */
export interface SearchReplaceEdit {
  kind: "search-replace";
  path: string;
  search: string;
  replace: string;
}

/** One `@@` hunk of a unified diff. Line numbers are hints (null when the header had none). */
export interface UdiffHunk {
  oldStart: number | null;
  oldLines: number | null;
  newStart: number | null;
  newLines: number | null;
  /** Text after the closing `@@` (a function name, usually); "" when none. */
  section: string;
  /** Raw hunk lines with their prefix: " ctx", "-old", "+new", "\\ No newline at end of file". */
  lines: string[];
}

/** The hunks of one file in a unified diff. */
export interface UdiffEdit {
  kind: "udiff";
  path: string;
  hunks: UdiffHunk[];
  /** `--- /dev/null`: the file is new. Default false. */
  created: boolean;
  /** `+++ /dev/null`: the file is removed. Default false. */
  deleted: boolean;
}

/** The complete new content of `path` (each line ending in "\n"). */
export interface WholeEdit {
  kind: "whole";
  path: string;
  content: string;
}

/** Remove `path`. */
export interface DeleteEdit {
  kind: "delete";
  path: string;
}

/** One edit a model proposed, as parsed from its reply. */
export type Edit = SearchReplaceEdit | UdiffEdit | WholeEdit | DeleteEdit;

/** What an incremental parser reports: prose (kept as the answer) or an edit whose block just closed. */
export type ParseEvent = { type: "text"; text: string } | { type: "edit"; edit: Edit };

/**
 * Incremental parser over a model's streamed reply. Prose is reported as it arrives (a line that
 * may still turn out to be a file path or a marker is held until it is decided). An edit is
 * reported as soon as its block closes: at `>>>>>>> REPLACE`, at the closing fence, and for a diff
 * when the next line is not part of it (next file header, prose, or the end of the reply).
 * Malformed structure throws `EditParseError` (from `push` or `end`); after that the parser is spent.
 */
export interface EditParser {
  push(chunk: string): ParseEvent[];
  /** Flushes what is left; throws `EditParseError` when a block is still open. */
  end(): ParseEvent[];
}

/** One edit format: prompt text, a GBNF grammar that makes output parse, a parser and a renderer. */
export interface EditFormat {
  name: FormatName;
  /** Short instructions for the system prompt (under ~250 tokens). */
  instructions: string;
  /** GBNF for `llama.createGrammar({grammar})`: every complete output parses with `createParser`. */
  grammar: string;
  createParser(): EditParser;
  /** Renders edits in this format (the canonical form `createParser` reads back). */
  render(edits: readonly Edit[]): string;
}
