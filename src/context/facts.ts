/**
 * What the context engine learns from one blob (a file's content), once: the words it uses for
 * ranking, what it declares and imports, its outline for the repo map, and an estimate of its
 * tokens. Pure: the same bytes give the same facts, so they are cached by git blob id.
 */
import { fenceFor } from "./render.js";
import { outlineSource } from "./outline.js";
import { encodedTermCounts } from "./term-table.js";
import { estimateTokens } from "./tokens.js";
import type { SkipReason } from "./filters.js";

/** Facts about one blob, independent of its path. */
export interface BlobFacts {
  bytes: number;
  /** Estimated tokens of the content alone (see `estimateTokens`); 0 when skipped. */
  tokens: number;
  skip?: SkipReason;
  /** Backticks of the fence the content needs (3 or more). */
  fence: number;
  /** The content ends with a newline (or is empty). */
  nl: boolean;
  /** Term counts of the whole text (`encodeCounts`). */
  body: string;
  /** Terms in the text, counted with repeats (BM25's document length). */
  bodyLength: number;
  /** Term counts of the declared names. */
  defTerms: string;
  /** Names declared, space-separated. */
  defs: string;
  /** Module specifiers imported, space-separated. */
  imports: string;
  /** Declaration lines for the repo map, newline-separated. */
  outline: string;
}

/** Facts of a blob the filters skipped: only its size and why. */
export function skippedFacts(bytes: number, skip: SkipReason): BlobFacts {
  return { bytes, tokens: 0, skip, fence: 3, nl: true, body: " ", bodyLength: 0, defTerms: " ", defs: "", imports: "", outline: "" };
}

/** Facts of `text`, the content of `file` (its extension picks the outline's language). */
export function textFacts(file: string, text: string, bytes: number): BlobFacts {
  const body = encodedTermCounts(text);
  const outline = outlineSource(file, text);
  return {
    bytes,
    tokens: estimateTokens(text),
    fence: fenceFor(text).length,
    nl: text.length === 0 || text.endsWith("\n"),
    body: body.encoded,
    bodyLength: body.length,
    // One text of the names: the same counts, in the same order, as counting each name in turn.
    defTerms: encodedTermCounts(outline.defs.join(" ")).encoded,
    defs: outline.defs.join(" "),
    imports: outline.imports.filter((s) => !/\s/.test(s)).join(" "),
    outline: outline.lines.join("\n"),
  };
}
