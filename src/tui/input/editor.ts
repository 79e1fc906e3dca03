/**
 * The prompt's multi-line editor as pure functions over `{ text, cursor }`. The cursor is a
 * UTF-16 offset that never splits a surrogate pair.
 */

/** Text being typed and where the cursor is. */
export interface EditorState {
  text: string;
  /** Offset into `text`, 0 … text.length. */
  cursor: number;
}

/** An empty editor. */
export const emptyEditor: EditorState = { text: "", cursor: 0 };

/** An editor holding `text` with the cursor at its end. */
export function editorOf(text: string): EditorState {
  return { text, cursor: text.length };
}

const isHigh = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;

function prevBoundary(text: string, i: number): number {
  if (i <= 0) return 0;
  return i >= 2 && isLow(text.charCodeAt(i - 1)) && isHigh(text.charCodeAt(i - 2)) ? i - 2 : i - 1;
}

function nextBoundary(text: string, i: number): number {
  if (i >= text.length) return text.length;
  return isHigh(text.charCodeAt(i)) && isLow(text.charCodeAt(i + 1)) ? i + 2 : i + 1;
}

function lineStart(text: string, i: number): number {
  return text.lastIndexOf("\n", i - 1) + 1;
}

function lineEnd(text: string, i: number): number {
  const n = text.indexOf("\n", i);
  return n === -1 ? text.length : n;
}

/** Inserts typed or pasted text (CRLF and CR become LF; other control characters are dropped). */
export function insert(s: EditorState, typed: string): EditorState {
  // eslint-disable-next-line no-control-regex -- stripping terminal control bytes is the point
  const clean = typed.replace(/\r\n?/g, "\n").replace(/\t/g, "  ").replace(/[\x00-\x09\x0b-\x1f\x7f]/g, "");
  if (clean.length === 0) return s;
  return { text: s.text.slice(0, s.cursor) + clean + s.text.slice(s.cursor), cursor: s.cursor + clean.length };
}

/** Deletes the character before the cursor. */
export function backspace(s: EditorState): EditorState {
  if (s.cursor === 0) return s;
  const from = prevBoundary(s.text, s.cursor);
  return { text: s.text.slice(0, from) + s.text.slice(s.cursor), cursor: from };
}

/** Deletes the character under the cursor. */
export function deleteForward(s: EditorState): EditorState {
  if (s.cursor >= s.text.length) return s;
  return { text: s.text.slice(0, s.cursor) + s.text.slice(nextBoundary(s.text, s.cursor)), cursor: s.cursor };
}

export function left(s: EditorState): EditorState {
  return { ...s, cursor: prevBoundary(s.text, s.cursor) };
}

export function right(s: EditorState): EditorState {
  return { ...s, cursor: nextBoundary(s.text, s.cursor) };
}

/** Start of the current line. */
export function home(s: EditorState): EditorState {
  return { ...s, cursor: lineStart(s.text, s.cursor) };
}

/** End of the current line. */
export function end(s: EditorState): EditorState {
  return { ...s, cursor: lineEnd(s.text, s.cursor) };
}

/** One line up, same column where possible; undefined on the first line (history takes over). */
export function up(s: EditorState): EditorState | undefined {
  const start = lineStart(s.text, s.cursor);
  if (start === 0) return undefined;
  const col = s.cursor - start;
  const prevStart = lineStart(s.text, start - 1);
  return { ...s, cursor: Math.min(prevStart + col, start - 1) };
}

/** One line down, same column where possible; undefined on the last line (history takes over). */
export function down(s: EditorState): EditorState | undefined {
  const endOfLine = lineEnd(s.text, s.cursor);
  if (endOfLine >= s.text.length) return undefined;
  const col = s.cursor - lineStart(s.text, s.cursor);
  const nextStart = endOfLine + 1;
  return { ...s, cursor: Math.min(nextStart + col, lineEnd(s.text, nextStart)) };
}

/** Ctrl-U: delete from the line start to the cursor. */
export function killBefore(s: EditorState): EditorState {
  const start = lineStart(s.text, s.cursor);
  return { text: s.text.slice(0, start) + s.text.slice(s.cursor), cursor: start };
}

/** Ctrl-K: delete from the cursor to the line end. */
export function killAfter(s: EditorState): EditorState {
  return { text: s.text.slice(0, s.cursor) + s.text.slice(lineEnd(s.text, s.cursor)), cursor: s.cursor };
}

/** Ctrl-W: delete the word before the cursor (and the spaces after it). */
export function deleteWord(s: EditorState): EditorState {
  let i = s.cursor;
  while (i > 0 && /\s/.test(s.text[i - 1] ?? "")) i--;
  while (i > 0 && !/\s/.test(s.text[i - 1] ?? "")) i--;
  return { text: s.text.slice(0, i) + s.text.slice(s.cursor), cursor: i };
}

/**
 * Enter: submit, unless the line before the cursor ends with a backslash, which becomes a
 * newline instead (the way to type multi-line input in terminals that send the same byte for
 * Shift+Enter).
 */
export function enter(s: EditorState): { submit: string } | { state: EditorState } {
  if (s.cursor > 0 && s.text[s.cursor - 1] === "\\") {
    return { state: { text: `${s.text.slice(0, s.cursor - 1)}\n${s.text.slice(s.cursor)}`, cursor: s.cursor } };
  }
  return { submit: s.text };
}

/** The editor's lines and the cursor's row and column, for drawing. */
export function layout(s: EditorState): { lines: string[]; row: number; col: number } {
  const lines = s.text.split("\n");
  const before = s.text.slice(0, s.cursor).split("\n");
  return { lines, row: before.length - 1, col: (before[before.length - 1] ?? "").length };
}
