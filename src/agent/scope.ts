/** The edit scope of `spark fix`: the files the user named. */
import path from "node:path";

/** A model-written path in repo-relative, forward-slash form ("./src/a.ts" → "src/a.ts"). */
export function normalizeEditPath(root: string, p: string): string {
  const abs = path.isAbsolute(p) ? p : path.join(root, p);
  return path.relative(root, abs).split(path.sep).join("/");
}

/** Paths of `edits` outside `scope` (deduplicated, in order); empty when scope is undefined. */
export function outsideScope(root: string, edits: readonly { path: string }[], scope: readonly string[] | undefined): string[] {
  if (scope === undefined) return [];
  const allowed = new Set(scope.map((s) => normalizeEditPath(root, s)));
  const out: string[] = [];
  for (const e of edits) {
    const p = normalizeEditPath(root, e.path);
    if (!allowed.has(p) && !out.includes(e.path)) out.push(e.path);
  }
  return out;
}
