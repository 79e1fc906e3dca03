import type { EditFormat, FormatName } from "../types.js";
import { FENCE_RE, cleanPathLine } from "./path-line.js";
import { searchReplaceFormat } from "./search-replace.js";
import { udiffFormat } from "./udiff.js";
import { wholeFormat } from "./whole.js";

/** Every edit format by name. */
export const formats: Readonly<Record<FormatName, EditFormat>> = {
  "search-replace": searchReplaceFormat,
  udiff: udiffFormat,
  whole: wholeFormat,
};

/** True when `name` is one of `formats`. */
export function isFormatName(name: string): name is FormatName {
  return Object.hasOwn(formats, name);
}

/**
 * Which format `text` is written in (for `--format auto`): SEARCH/REPLACE markers, then diff
 * headers or hunks, then a fenced block right after a path line. Undefined when it holds no edit.
 */
export function detectFormat(text: string): EditFormat | undefined {
  if (/^<{5,9} ?SEARCH>?\s*$/m.test(text)) return searchReplaceFormat;
  if (/^--- .*\r?\n\+\+\+ /m.test(text) || /^@@ .*@@/m.test(text)) return udiffFormat;
  const lines = text.split("\n");
  for (let i = 1; i < lines.length; i++) {
    if (FENCE_RE.test(lines[i] ?? "") && cleanPathLine(lines[i - 1] ?? "") !== undefined) return wholeFormat;
  }
  return undefined;
}
