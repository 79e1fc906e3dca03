/**
 * The files the person asked the model to focus on (/add, /drop), and directory listing for path
 * completion. The first conversation is packed with them as targets; later changes are named in
 * the next message, since a packed conversation keeps its context.
 */
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import type { ListDir } from "./slash/complete.js";

/** Repo-relative focus files, in the order added. */
export class FocusFiles {
  files: string[] = [];
  /** What the current conversation was packed with. */
  private packed: string[] = [];

  constructor(
    private readonly root: () => string,
    private readonly cwd: string,
  ) {}

  /** Adds files (relative to cwd) that exist inside the repo; returns the others. */
  async add(paths: readonly string[]): Promise<string[]> {
    const missing: string[] = [];
    for (const p of paths) {
      const abs = path.resolve(this.cwd, p);
      const rel = path.relative(this.root(), abs).split(path.sep).join("/");
      const isFile = await stat(abs).then((st) => st.isFile(), () => false);
      if (rel.startsWith("../") || rel === ".." || path.isAbsolute(rel) || !isFile) missing.push(p);
      else if (!this.files.includes(rel)) this.files = [...this.files, rel];
    }
    return missing;
  }

  /** Removes files (all of them when `paths` is empty). */
  drop(paths: readonly string[]): void {
    this.files = paths.length === 0 ? [] : this.files.filter((f) => !paths.includes(f));
  }

  /** A new conversation is being packed with the current files. */
  markPacked(): string[] {
    this.packed = [...this.files];
    return this.packed;
  }

  /** `task`, preceded by the focus when it changed since the conversation was packed. */
  message(task: string): string {
    const same = this.files.length === this.packed.length && this.files.every((f, i) => f === this.packed[i]);
    return same || this.files.length === 0 ? task : `(Focus on these files: ${this.files.join(", ")}.)\n\n${task}`;
  }
}

/** Lists directories under `root()` for completion (never `.git`). */
export function dirLister(root: () => string): ListDir {
  return async (dir) => {
    const entries = await readdir(path.resolve(root(), dir), { withFileTypes: true }).catch(() => []);
    return entries.filter((e) => e.name !== ".git").map((e) => ({ name: e.name, dir: e.isDirectory() }));
  };
}
