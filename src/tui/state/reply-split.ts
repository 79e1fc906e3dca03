/**
 * The prose of a model reply (its answer to the person), without the edit blocks, which the TUI
 * shows as diffs instead. Uses the edit format's own incremental parser, so what counts as a
 * block is exactly what the agent parsed.
 */
import { detectFormat, EditParseError, formats, type FormatName } from "../../edits/index.js";

/**
 * Prose of `text` written in `format` (undefined: guessed from the text; none found: all prose).
 * `final`: the reply is complete, so lines held back as possible file paths are released.
 * Malformed blocks end the prose there (the agent reports the failure separately).
 */
export function proseOf(text: string, format: FormatName | undefined, final: boolean): string {
  const name = format ?? (final ? detectFormat(text)?.name : undefined);
  if (name === undefined) return final ? text : "";
  const parser = formats[name].createParser();
  let prose = "";
  try {
    for (const ev of parser.push(text)) if (ev.type === "text") prose += ev.text;
    if (final) for (const ev of parser.end()) if (ev.type === "text") prose += ev.text;
  } catch (err) {
    if (!(err instanceof EditParseError)) throw err;
  }
  return prose;
}

/** `text` without blank lines at either end and without trailing spaces. */
export function trimBlankLines(text: string): string {
  return text.replace(/^(?:[ \t]*\r?\n)+/, "").trimEnd();
}
