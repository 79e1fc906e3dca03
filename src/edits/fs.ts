import { constants, promises as fsp } from "node:fs";

/** What `lstat` tells about a path. */
export interface FileStat {
  kind: "file" | "directory" | "symlink" | "other";
  /** Permission bits (`mode & 0o7777`). */
  mode: number;
}

/** The file access the planner and applier need; injected so tests can use `createMemoryFs()`. */
export interface EditFs {
  /**
   * The file's bytes (following symlinks); undefined when nothing is there. Rejects with
   * `NotRegularFileError` for a FIFO, socket, device or directory, without blocking on it.
   */
  readFile(p: string): Promise<Uint8Array | undefined>;
  /** The path itself (not following a final symlink); undefined when nothing is there. */
  lstat(p: string): Promise<FileStat | undefined>;
  /** Absolute path with every symlink resolved; rejects when it does not exist. */
  realpath(p: string): Promise<string>;
  /** Creates or truncates `p`, writes `data`, sets `mode` exactly and flushes it to disk. */
  writeFile(p: string, data: Uint8Array, mode: number): Promise<void>;
  /** Atomically replaces `to` with `from`. */
  rename(from: string, to: string): Promise<void>;
  unlink(p: string): Promise<void>;
  /** Creates `p` and its missing parents. */
  mkdir(p: string): Promise<void>;
  /** Names in folder `p`; [] when there is no such folder. */
  readdir(p: string): Promise<string[]>;
  /** True when `a` and `b` (both existing) are on one file system, so a rename between them is atomic. */
  sameDevice(a: string, b: string): Promise<boolean>;
}

/** `readFile` met something that is not a regular file. */
export class NotRegularFileError extends Error {
  constructor(readonly filePath: string) {
    super(`${filePath} is not a regular file`);
  }
}

function missing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
}

/** The real file system. */
export const nodeFs: EditFs = {
  async readFile(p) {
    let fh;
    try {
      // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, forever.
      fh = await fsp.open(p, constants.O_RDONLY | constants.O_NONBLOCK);
    } catch (err) {
      if (missing(err)) return undefined;
      throw err;
    }
    try {
      if (!(await fh.stat()).isFile()) throw new NotRegularFileError(p);
      return await fh.readFile();
    } finally {
      await fh.close();
    }
  },
  async lstat(p) {
    try {
      const st = await fsp.lstat(p);
      const kind = st.isSymbolicLink() ? "symlink" : st.isDirectory() ? "directory" : st.isFile() ? "file" : "other";
      return { kind, mode: st.mode & 0o7777 };
    } catch (err) {
      if (missing(err)) return undefined;
      throw err;
    }
  },
  realpath: (p) => fsp.realpath(p),
  async writeFile(p, data, mode) {
    const fh = await fsp.open(p, "w", mode);
    try {
      await fh.writeFile(data);
      await fh.chmod(mode);
      await fh.sync();
    } finally {
      await fh.close();
    }
  },
  rename: (from, to) => fsp.rename(from, to),
  unlink: (p) => fsp.unlink(p),
  async mkdir(p) {
    await fsp.mkdir(p, { recursive: true });
  },
  async readdir(p) {
    try {
      return await fsp.readdir(p);
    } catch (err) {
      if (missing(err)) return [];
      throw err;
    }
  },
  async sameDevice(a, b) {
    const [sa, sb] = await Promise.all([fsp.stat(a), fsp.stat(b)]);
    return sa.dev === sb.dev;
  },
};
