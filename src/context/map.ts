/**
 * The repo map: for files not shown in full, the lines that declare things (as Aider's repo map
 * does), so the model sees what exists and where for a fraction of the tokens.
 */

/** Title line of the map section. */
export const MAP_TITLE = "Outlines of more files (declarations only, bodies left out):\n";

/** One file's entry: its path, then its declaration lines indented. */
export function renderMapEntry(file: string, outline: string): string {
  const lines = outline.length > 0 ? outline.split("\n").map((l) => `  ${l}`) : [];
  return `${file}:\n${lines.join("\n")}${lines.length > 0 ? "\n" : ""}`;
}

/** The map section for `entries` in the order given (empty for none). */
export function renderMap(entries: readonly { path: string; outline: string }[]): string {
  if (entries.length === 0) return "";
  return MAP_TITLE + entries.map((e) => renderMapEntry(e.path, e.outline)).join("");
}
