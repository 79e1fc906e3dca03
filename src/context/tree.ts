/**
 * A compact listing of files not shown in full: one line per folder, names after it. Coarser
 * levels fold big folders, then whole subtrees, into counts, so any repo fits some level.
 */

/** Most compaction level; at it the listing is one line with a count. */
export const MAX_TREE_LEVEL = 4;

const TITLE = "Other files (not shown):\n";

/** The files of a listing, grouped by folder once; `render` any level from it. */
export class TreeListing {
  private readonly dirs: [string, string[]][];
  readonly size: number;

  /** `paths`: repo-relative, any order (sorted input skips a sort). */
  constructor(paths: readonly string[]) {
    this.size = paths.length;
    const groups = new Map<string, string[]>();
    let sorted = true;
    let prev = "";
    for (const p of paths) {
      if (p < prev) sorted = false;
      prev = p;
      const slash = p.lastIndexOf("/");
      const dir = slash < 0 ? "./" : p.slice(0, slash + 1);
      const list = groups.get(dir);
      if (list === undefined) groups.set(dir, [p.slice(slash + 1)]);
      else list.push(p.slice(slash + 1));
    }
    if (!sorted) for (const names of groups.values()) names.sort();
    this.dirs = [...groups].sort(byKey);
  }

  /** Level 0 (every name) … `MAX_TREE_LEVEL` (a count). Empty for no files. */
  render(level: number): string {
    if (this.size === 0) return "";
    if (level >= MAX_TREE_LEVEL) return `${TITLE}(${this.size} files)\n`;
    if (level >= 2) {
      const depth = level === 2 ? 2 : 1;
      const counts = new Map<string, number>();
      for (const [dir, names] of this.dirs) {
        const parts = dir === "./" ? [] : dir.slice(0, -1).split("/");
        const key = parts.length === 0 ? "./" : `${parts.slice(0, depth).join("/")}/`;
        counts.set(key, (counts.get(key) ?? 0) + names.length);
      }
      return TITLE + [...counts].sort(byKey).map(([dir, n]) => `${dir} (${n} files)`).join("\n") + "\n";
    }
    const lines = this.dirs.map(([dir, names]) => (level === 1 && names.length > 16 ? `${dir} (${names.length} files)` : `${dir} ${names.join(" ")}`));
    return `${TITLE}${lines.join("\n")}\n`;
  }
}

/** Renders `paths` at `level` (see `TreeListing.render`). */
export function renderTree(paths: readonly string[], level: number): string {
  return new TreeListing(paths).render(level);
}

function byKey(a: [string, unknown], b: [string, unknown]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}
