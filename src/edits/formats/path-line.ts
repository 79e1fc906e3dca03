/** A fence line: three or more backticks, an optional info word. */
export const FENCE_RE = /^(`{3,})[ \t]*([^`\s]*)[ \t]*$/;

/** Longest a path line may be. */
const MAX_PATH = 1024;

/**
 * The file path a line names, when the whole line is a path: `src/a.ts`, `` `src/a.ts` ``,
 * `**src/a.ts**`, `### src/a.ts`, `src/a.ts:`. Undefined for anything else (prose, markers, fences).
 */
export function cleanPathLine(line: string): string | undefined {
  let s = line.trim();
  s = s.replace(/^#{1,6}\s+/, "");
  for (const w of ["**", "`", "*", "'", '"']) {
    if (s.length > 2 * w.length && s.startsWith(w) && s.endsWith(w)) s = s.slice(w.length, -w.length);
  }
  // "Example:" introduces a code block; "src/a.ts:" names a file.
  if (s.endsWith(":")) {
    s = s.slice(0, -1);
    if (!/[./]/.test(s)) return undefined;
  }
  if (s.length === 0 || s.length > MAX_PATH) return undefined;
  if (/[\s`]/.test(s)) return undefined;
  if (/^(<{3,}|={3,}|>{3,}|-{3,}|\+{3,}|@@)/.test(s)) return undefined;
  if (!/[A-Za-z0-9_]/.test(s)) return undefined;
  return s;
}

/** True when the first non-blank character of `partial` is followed, later, by whitespace. */
export function hasInnerSpace(partial: string): boolean {
  return /\S\s/.test(partial);
}

/** GBNF rules every format shares: `any` (rest of a line) and `path` (a file path line). */
export const COMMON_GBNF = String.raw`any ::= [^\n]*
path ::= [A-Za-z0-9_.@+-] [A-Za-z0-9_./@+-]*`;
