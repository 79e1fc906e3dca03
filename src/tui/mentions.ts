/**
 * `@path` mentions in the prompt: finding the one being typed, ranking the repository's files
 * for it (fzf's algorithm, as in fzf itself), and reading which files a sent message mentions.
 */
import { Fzf, type FzfResultItem } from "fzf";

/** The `@word` the cursor is in: where its `@` is and what follows it up to the cursor. */
export interface MentionQuery {
  start: number;
  query: string;
}

/** Most candidates the menu lists. */
export const MENTION_LIMIT = 8;

/** The mention being typed at `cursor`, if any: an `@` at the start or after whitespace, no space since. */
export function mentionAt(text: string, cursor: number): MentionQuery | undefined {
  const before = text.slice(0, cursor);
  const m = /(^|\s)@(\S*)$/.exec(before);
  if (!m) return undefined;
  return { start: cursor - (m[2] ?? "").length - 1, query: m[2] ?? "" };
}

/** The best files for `query` (all files in order when it is empty), at most `limit`. */
export function rankFiles(files: readonly string[], query: string, limit = MENTION_LIMIT): string[] {
  if (query === "") return files.slice(0, limit);
  const fzf = new Fzf<readonly string[]>(files, { limit, casing: "smart-case" });
  return fzf.find(query).map((r: FzfResultItem) => r.item);
}

/** `text` with the mention at `q` replaced by `@file ` (cursor after it). */
export function acceptMention(text: string, cursor: number, q: MentionQuery, file: string): { text: string; cursor: number } {
  const head = `${text.slice(0, q.start)}@${file} `;
  const rest = text.slice(cursor).replace(/^\S*/, "").replace(/^ /, "");
  return { text: head + rest, cursor: head.length };
}

/**
 * The files a message mentions, in order, each once: `@path` words naming a file of `files`
 * (trailing punctuation such as "," or "." is not part of the path unless the file has it).
 */
export function mentionedFiles(text: string, files: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|\s)@(\S+)/g)) {
    const word = (m[1] ?? "").replace(/^\.\//, "");
    const file = files.has(word) ? word : word.replace(/[.,;:!?)\]}'"]+$/, "");
    if (files.has(file) && !out.includes(file)) out.push(file);
  }
  return out;
}
