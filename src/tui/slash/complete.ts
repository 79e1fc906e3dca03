/**
 * Tab completion of slash command names and of paths after /add and /drop. Pure apart from the
 * injected directory lister.
 */
import { PATH_COMMANDS, SLASH_COMMANDS } from "./commands.js";

/** One directory entry. */
export interface DirEntry {
  name: string;
  dir: boolean;
}

/** Lists a repo-relative directory ("" = the root); [] when it does not exist. */
export type ListDir = (dir: string) => Promise<DirEntry[]>;

/** What Tab does: the new input text (cursor at its end) and the candidates to show. */
export interface Completion {
  text: string;
  candidates: string[];
}

function commonPrefix(words: readonly string[]): string {
  if (words.length === 0) return "";
  let p = words[0] ?? "";
  for (const w of words) while (!w.startsWith(p)) p = p.slice(0, -1);
  return p;
}

/**
 * Completes the last word of `text` (the input up to the cursor). Returns undefined when there is
 * nothing to complete. `focus` lists the files /drop can remove.
 */
export async function complete(text: string, listDir: ListDir, focus: readonly string[] = []): Promise<Completion | undefined> {
  if (!text.startsWith("/") || text.includes("\n")) return undefined;
  const space = text.indexOf(" ");
  if (space === -1) {
    const typed = text.slice(1);
    const names = SLASH_COMMANDS.map((c) => c.name).filter((n) => n.startsWith(typed));
    if (names.length === 0) return undefined;
    if (names.length === 1) return { text: `/${names[0]} `, candidates: [] };
    return { text: `/${commonPrefix(names)}`, candidates: names.map((n) => `/${n}`) };
  }
  const name = text.slice(1, space);
  if (!PATH_COMMANDS.some((c) => c === name)) return undefined;
  const lastSpace = text.lastIndexOf(" ");
  const head = text.slice(0, lastSpace + 1);
  const word = text.slice(lastSpace + 1);
  const options = name === "drop" ? dropOptions(focus, word) : await pathOptions(listDir, word);
  if (options.length === 0) return undefined;
  if (options.length === 1) {
    const only = options[0] ?? "";
    return { text: `${head}${only}${only.endsWith("/") ? "" : " "}`, candidates: [] };
  }
  return { text: `${head}${commonPrefix(options)}`, candidates: options };
}

function dropOptions(focus: readonly string[], word: string): string[] {
  return focus.filter((f) => f.startsWith(word));
}

async function pathOptions(listDir: ListDir, word: string): Promise<string[]> {
  const slash = word.lastIndexOf("/");
  const dir = slash === -1 ? "" : word.slice(0, slash + 1);
  const base = word.slice(slash + 1);
  const entries = await listDir(dir.replace(/\/$/, ""));
  return entries
    .filter((e) => e.name.startsWith(base) && (base.startsWith(".") || !e.name.startsWith(".")))
    .map((e) => `${dir}${e.name}${e.dir ? "/" : ""}`)
    .sort();
}
