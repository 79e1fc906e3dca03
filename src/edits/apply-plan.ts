import path from "node:path";
import { RepoError } from "../errors.js";
import { EditApplyError, type EditFailure } from "./errors.js";
import { nodeFs, NotRegularFileError, type EditFs } from "./fs.js";
import type { EditPlan, FileChange } from "./plan.js";
import { privateDirFor, removeStaleTemps, tempPath } from "./temp-files.js";

/** Options of `applyPlan`. */
export interface ApplyOptions {
  /** File access. Default: the real file system. */
  fs?: EditFs;
  /**
   * Called after each file is in place, before the next (`done` of `total`). A seam for the crash
   * test, which pauses here to kill the process between two files. Default: none.
   */
  onFileReplaced?: (done: number, total: number) => Promise<void> | void;
  /**
   * Folder for temp files, out of the working tree (`<git dir>/spark/tmp`), used for each target
   * on its file system. Default none: temps go beside their targets.
   */
  tempDir?: string;
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}

/**
 * Writes a plan, all or nothing: checks that no file changed since it was planned, writes every new
 * content to a temp file (in `tempDir`, or beside its target; keeping the mode), then renames them
 * into place one by one and deletes removed files. Temps a killed run left there go first. If
 * any step fails, files already replaced are put back and the error is thrown (`RepoError`,
 * exit 4; `EditApplyError` when a file changed on disk).
 */
export async function applyPlan(root: string, plan: EditPlan, opts: ApplyOptions = {}): Promise<void> {
  const fs = opts.fs ?? nodeFs;
  const rootAbs = path.resolve(root);
  const realRoot = await fs.realpath(rootAbs);
  for (const c of plan.files) {
    const rel = path.relative(realRoot, c.absPath);
    if (rel === "" || rel.startsWith("..") || path.isAbsolute(rel)) throw new RepoError(`refusing to write ${c.absPath}: outside ${rootAbs}`);
  }
  const stale: EditFailure[] = [];
  for (const [i, c] of plan.files.entries()) {
    // A file turned into a FIFO (or the like) since the plan counts as changed.
    const now = await fs.readFile(c.absPath).catch((err: unknown) => {
      if (err instanceof NotRegularFileError) return "not-regular" as const;
      throw err;
    });
    if (now === "not-regular" || !sameBytes(now, c.beforeBytes)) {
      stale.push({ path: c.path, index: i, reason: "changed-on-disk", message: `${c.path} changed on disk since the edit was planned`, modelMessage: `${c.path} changed while the edit was being prepared; read it again.` });
    }
  }
  if (stale.length > 0) throw new EditApplyError(stale);
  await removeStaleTemps(fs, opts.tempDir, plan.files.map((c) => path.dirname(c.absPath)));

  const temps = new Map<FileChange, string>();
  try {
    for (const c of plan.files) {
      if (!c.afterBytes) continue;
      await fs.mkdir(path.dirname(c.absPath));
      const tmp = tempPath(c.absPath, await privateDirFor(fs, opts.tempDir, c.absPath));
      temps.set(c, tmp);
      await fs.writeFile(tmp, c.afterBytes, c.mode);
    }
  } catch (err) {
    await removeAll(fs, [...temps.values()]);
    throw new RepoError(`could not write the edit (nothing was changed): ${(err as Error).message}`, { cause: err });
  }

  const done: FileChange[] = [];
  try {
    for (const c of plan.files) {
      const tmp = temps.get(c);
      if (tmp) {
        await fs.rename(tmp, c.absPath);
        temps.delete(c);
      } else await fs.unlink(c.absPath);
      done.push(c);
      if (opts.onFileReplaced) await opts.onFileReplaced(done.length, plan.files.length);
    }
  } catch (err) {
    await removeAll(fs, [...temps.values()]);
    const lost = await rollback(fs, done, opts.tempDir);
    const tail = lost.length > 0 ? `; could not restore ${lost.join(", ")}` : " (nothing was changed)";
    throw new RepoError(`could not write the edit${tail}: ${(err as Error).message}`, { cause: err });
  }
}

async function removeAll(fs: EditFs, paths: string[]): Promise<void> {
  for (const p of paths) await fs.unlink(p).catch(() => undefined);
}

/** Puts back files already replaced; returns the paths it could not restore. */
async function rollback(fs: EditFs, done: FileChange[], tempDir: string | undefined): Promise<string[]> {
  const lost: string[] = [];
  for (const c of done.reverse()) {
    try {
      if (!c.beforeBytes) await fs.unlink(c.absPath);
      else {
        const tmp = tempPath(c.absPath, await privateDirFor(fs, tempDir, c.absPath));
        await fs.writeFile(tmp, c.beforeBytes, c.mode);
        await fs.rename(tmp, c.absPath);
      }
    } catch {
      lost.push(c.path);
    }
  }
  return lost;
}
