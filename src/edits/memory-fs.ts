import path from "node:path";
import type { EditFs, FileStat } from "./fs.js";

type Entry = { kind: "file"; data: Uint8Array; mode: number } | { kind: "dir" } | { kind: "symlink"; target: string };

/** An in-memory `EditFs` for tests and benchmarks, with a hook to make operations fail. */
export interface MemoryFs extends EditFs {
  /** Adds a text (or byte) file, creating its folders. Mode default 0o644. */
  put(p: string, content: string | Uint8Array, mode?: number): void;
  /** Adds a symlink at `p` pointing to `target` (absolute, or relative to `p`'s folder). */
  symlink(p: string, target: string): void;
  /** Text of a file, or undefined. */
  text(p: string): string | undefined;
  /** Mode of a file, or undefined. */
  mode(p: string): number | undefined;
  /** Every file path (sorted). */
  paths(): string[];
  /** When set and it returns true, that operation throws EACCES. */
  failOn: ((op: "writeFile" | "rename" | "unlink" | "mkdir", p: string) => boolean) | undefined;
}

function errno(code: string, p: string): NodeJS.ErrnoException {
  const e: NodeJS.ErrnoException = new Error(`${code}: ${p}`);
  e.code = code;
  return e;
}

/** Creates an empty in-memory file system (only "/" exists). */
export function createMemoryFs(): MemoryFs {
  const entries = new Map<string, Entry>([["/", { kind: "dir" }]]);

  /** Resolves symlinks in every segment; `followLast` false keeps a final symlink. */
  const resolve = (p: string, followLast = true, depth = 0): string => {
    if (depth > 40) throw errno("ELOOP", p);
    const parts = path.resolve("/", p).split("/").filter(Boolean);
    let cur = "/";
    for (const [i, part] of parts.entries()) {
      const next = path.join(cur, part);
      const e = entries.get(next);
      const last = i === parts.length - 1;
      if (e?.kind === "symlink" && (!last || followLast)) cur = resolve(path.resolve(cur, e.target), true, depth + 1);
      else cur = next;
    }
    return cur;
  };
  const parentDir = (p: string): string => {
    const dir = resolve(path.dirname(path.resolve("/", p)));
    if (entries.get(dir)?.kind !== "dir") throw errno("ENOENT", p);
    return dir;
  };
  const mkdirs = (dir: string): void => {
    const parts = dir.split("/").filter(Boolean);
    let cur = "/";
    for (const part of parts) {
      cur = resolve(path.join(cur, part));
      const e = entries.get(cur);
      if (!e) entries.set(cur, { kind: "dir" });
      else if (e.kind !== "dir") throw errno("ENOTDIR", cur);
    }
  };

  const mem: MemoryFs = {
    failOn: undefined,
    put(p, content, mode = 0o644) {
      const abs = path.resolve("/", p);
      mkdirs(path.dirname(abs));
      const data = typeof content === "string" ? new TextEncoder().encode(content) : content;
      entries.set(resolve(abs), { kind: "file", data, mode });
    },
    symlink(p, target) {
      const abs = path.resolve("/", p);
      mkdirs(path.dirname(abs));
      entries.set(abs, { kind: "symlink", target });
    },
    text(p) {
      const e = entries.get(resolve(p));
      return e?.kind === "file" ? new TextDecoder("utf-8", { ignoreBOM: true }).decode(e.data) : undefined;
    },
    mode(p) {
      const e = entries.get(resolve(p));
      return e?.kind === "file" ? e.mode : undefined;
    },
    paths() {
      return [...entries].filter(([, e]) => e.kind === "file").map(([p]) => p).sort();
    },
    async readFile(p) {
      const e = entries.get(resolve(p));
      return e?.kind === "file" ? e.data.slice() : undefined;
    },
    async lstat(p): Promise<FileStat | undefined> {
      let key: string;
      try {
        key = path.join(resolve(path.dirname(path.resolve("/", p))), path.basename(p));
      } catch {
        return undefined;
      }
      const e = entries.get(key);
      if (!e) return undefined;
      if (e.kind === "file") return { kind: "file", mode: e.mode };
      return { kind: e.kind === "dir" ? "directory" : "symlink", mode: e.kind === "dir" ? 0o755 : 0o777 };
    },
    async realpath(p) {
      const r = resolve(p);
      if (!entries.has(r)) throw errno("ENOENT", p);
      return r;
    },
    async writeFile(p, data, mode) {
      if (mem.failOn?.("writeFile", p)) throw errno("EACCES", p);
      const dir = parentDir(p);
      const target = resolve(path.join(dir, path.basename(p)));
      if (entries.get(target)?.kind === "dir") throw errno("EISDIR", p);
      entries.set(target, { kind: "file", data: data.slice(), mode });
    },
    async rename(from, to) {
      if (mem.failOn?.("rename", to)) throw errno("EACCES", to);
      const src = path.join(parentDir(from), path.basename(from));
      const dst = path.join(parentDir(to), path.basename(to));
      const e = entries.get(src);
      if (!e) throw errno("ENOENT", from);
      entries.delete(src);
      entries.set(dst, e);
    },
    async unlink(p) {
      if (mem.failOn?.("unlink", p)) throw errno("EACCES", p);
      const key = path.join(parentDir(p), path.basename(p));
      if (!entries.has(key) || entries.get(key)?.kind === "dir") throw errno("ENOENT", p);
      entries.delete(key);
    },
    async mkdir(p) {
      if (mem.failOn?.("mkdir", p)) throw errno("EACCES", p);
      mkdirs(path.resolve("/", p));
    },
    async readdir(p) {
      let dir: string;
      try {
        dir = resolve(p);
      } catch {
        return [];
      }
      if (entries.get(dir)?.kind !== "dir") return [];
      return [...entries.keys()].filter((k) => k !== dir && path.dirname(k) === dir).map((k) => path.basename(k));
    },
    async sameDevice() {
      return true;
    },
  };
  return mem;
}
