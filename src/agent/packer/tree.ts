/**
 * A compact listing of files not shown in full: one line per folder, names after it. Coarser
 * levels fold big folders, then whole subtrees, into counts, so any repo fits some level.
 */

/** Most compaction level; at it the listing is one line with a count. */
export const MAX_TREE_LEVEL = 4;

/** Renders `paths` (repo-relative, any order) at `level` 0 (every name) … `MAX_TREE_LEVEL` (a count). */
export function renderTree(paths: readonly string[], level: number): string {
  if (paths.length === 0) return "";
  const title = "Other files (not shown):\n";
  if (level >= MAX_TREE_LEVEL) return `${title}(${paths.length} files)\n`;
  if (level >= 2) {
    const depth = level === 2 ? 2 : 1;
    const counts = new Map<string, number>();
    for (const p of paths) {
      const parts = p.split("/");
      const key = parts.length > depth ? `${parts.slice(0, depth).join("/")}/` : parts.length === 1 ? "./" : `${parts.slice(0, -1).join("/")}/`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return title + [...counts].sort(byKey).map(([dir, n]) => `${dir} (${n} files)`).join("\n") + "\n";
  }
  const dirs = new Map<string, string[]>();
  for (const p of paths) {
    const slash = p.lastIndexOf("/");
    const dir = slash < 0 ? "./" : `${p.slice(0, slash)}/`;
    const list = dirs.get(dir);
    if (list === undefined) dirs.set(dir, [p.slice(slash + 1)]);
    else list.push(p.slice(slash + 1));
  }
  const lines = [...dirs].sort(byKey).map(([dir, names]) => {
    if (level === 1 && names.length > 16) return `${dir} (${names.length} files)`;
    return `${dir} ${names.sort().join(" ")}`;
  });
  return `${title}${lines.join("\n")}\n`;
}

function byKey(a: [string, unknown], b: [string, unknown]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}
