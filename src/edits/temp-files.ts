/**
 * Temp files of the atomic applier: where they go, and removing those a killed process left.
 * Temps go to a private folder (`<git dir>/spark/tmp`, out of `git status`) when it is on the
 * target's file system, since only there is the final rename atomic; else beside the target.
 */
import path from "node:path";
import { pidAlive } from "../pid-alive.js";
import type { EditFs } from "./fs.js";

/** `.NAME.spark-PID-RAND.tmp`: a temp beside its target. */
const BESIDE_RE = /^\..+\.spark-(\d+)-[a-z0-9]+\.tmp$/;
/** `PID-RAND-NAME.tmp`: a temp in the private folder. */
const PRIVATE_RE = /^(\d+)-[a-z0-9]+-.*\.tmp$/;

/** Longest part of the target's name kept in a private temp's name (names stay under 255 bytes). */
const NAME_KEEP = 80;

const rand = (): string => Math.random().toString(36).slice(2, 10);

/** A fresh temp path for `target`: in `privateDir` when given (same file system), else beside it. */
export function tempPath(target: string, privateDir: string | undefined): string {
  const name = path.basename(target);
  if (privateDir !== undefined) return path.join(privateDir, `${process.pid}-${rand()}-${name.slice(0, NAME_KEEP)}.tmp`);
  return path.join(path.dirname(target), `.${name}.spark-${process.pid}-${rand()}.tmp`);
}

/** The private folder if a rename from it to `target` is atomic (one file system); else undefined. */
export async function privateDirFor(fs: EditFs, privateDir: string | undefined, target: string): Promise<string | undefined> {
  if (privateDir === undefined) return undefined;
  return (await fs.sameDevice(privateDir, path.dirname(target))) ? privateDir : undefined;
}

/**
 * Deletes temps of processes that are gone (a crash or kill -9 mid-apply): every one in
 * `privateDir`, and those beside files in `dirs`. Temps of live processes are left alone.
 */
export async function removeStaleTemps(fs: EditFs, privateDir: string | undefined, dirs: Iterable<string>): Promise<void> {
  const sweep = async (dir: string, re: RegExp): Promise<void> => {
    for (const name of await fs.readdir(dir)) {
      const pid = Number(re.exec(name)?.[1]);
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && !pidAlive(pid)) await fs.unlink(path.join(dir, name)).catch(() => undefined);
    }
  };
  if (privateDir !== undefined) await sweep(privateDir, PRIVATE_RE);
  for (const dir of new Set(dirs)) await sweep(dir, BESIDE_RE);
}
