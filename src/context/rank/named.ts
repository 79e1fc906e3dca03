/** Files a task names: by path, by path suffix, or by base name with or without its extension. */

/** Names in `task` that look like files or code identifiers (a dot, a slash, inner capitals or underscores). */
function mentions(task: string): string[] {
  const out = new Set<string>();
  for (const raw of task.match(/[\w./@$-]+/g) ?? []) {
    const m = raw.replace(/^\.\//, "").replace(/[.,:;)]+$/, "").replace(/^[(`'"]+/, "");
    if (m.length < 3) continue;
    if (m.includes(".") || m.includes("/") || /[a-z][A-Z]/.test(m) || /\w_\w/.test(m) || /^[A-Z][a-z]+[A-Z]/.test(m)) out.add(m);
  }
  return [...out];
}

/** Paths of `files` that `task` names, in file order. */
export function filesNamedInTask(task: string, files: readonly { path: string }[]): string[] {
  const names = mentions(task);
  if (names.length === 0) return [];
  const lower = names.map((n) => n.toLowerCase());
  const named: string[] = [];
  for (const f of files) {
    const base = f.path.slice(f.path.lastIndexOf("/") + 1).toLowerCase();
    const dot = base.indexOf(".");
    const stemName = dot > 0 ? base.slice(0, dot) : base;
    const p = f.path.toLowerCase();
    if (lower.some((m) => m === p || m === base || m === stemName || (m.includes("/") && (p.endsWith(`/${m}`) || stripExt(p).endsWith(`/${m}`))))) named.push(f.path);
  }
  return named;
}

function stripExt(p: string): string {
  const slash = p.lastIndexOf("/");
  const dot = p.indexOf(".", slash + 1);
  return dot > slash + 1 ? p.slice(0, dot) : p;
}
