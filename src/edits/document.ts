/** A text file as edits see it: lines without their line breaks, plus how to write it back. */
export interface TextDoc {
  lines: string[];
  /** The last line ends with a line break. */
  finalNewline: boolean;
  /** Line break written between lines: CRLF only when every break in the file was CRLF. */
  eol: "\n" | "\r\n";
  /** The file started with a UTF-8 byte order mark. */
  bom: boolean;
}

const BOM = "\uFEFF";
/** git's heuristic: a NUL byte in the first 8000 bytes means binary. */
const BINARY_SNIFF_BYTES = 8000;

/** Splits LF text into lines: "a\nb\n" → {lines: ["a","b"], finalNewline: true}. */
export function splitLines(text: string): { lines: string[]; finalNewline: boolean } {
  if (text.length === 0) return { lines: [], finalNewline: false };
  const lines = text.split("\n");
  const finalNewline = lines[lines.length - 1] === "";
  if (finalNewline) lines.pop();
  return { lines, finalNewline };
}

/** Decodes file bytes; undefined for binary (a NUL byte) or text that is not valid UTF-8. */
export function decodeDoc(bytes: Uint8Array): TextDoc | undefined {
  if (bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0)) return undefined;
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
  const bom = text.startsWith(BOM);
  if (bom) text = text.slice(1);
  const lf = countOf(text, "\n");
  const crlf = countOf(text, "\r\n");
  // Mixed endings stay as they are: the stray "\r"s remain part of their lines.
  const eol = crlf > 0 && crlf === lf ? "\r\n" : "\n";
  if (eol === "\r\n") text = text.replaceAll("\r\n", "\n");
  return { ...splitLines(text), eol, bom };
}

/** The document as LF text without BOM (what diffs and `before`/`after` show). */
export function docText(doc: Pick<TextDoc, "lines" | "finalNewline">): string {
  if (doc.lines.length === 0) return doc.finalNewline ? "\n" : "";
  return doc.lines.join("\n") + (doc.finalNewline ? "\n" : "");
}

/** Bytes to write: the file's own line breaks, BOM and final newline. */
export function encodeDoc(doc: TextDoc): Uint8Array {
  let text = docText(doc);
  if (doc.eol === "\r\n") text = text.replaceAll("\n", "\r\n");
  if (doc.bom) text = BOM + text;
  return new TextEncoder().encode(text);
}

function countOf(text: string, needle: string): number {
  let n = 0;
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length)) n++;
  return n;
}
