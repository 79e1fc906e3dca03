import { open, readFile, rm } from "node:fs/promises";
import { ModelError } from "../errors.js";
import { pidAlive } from "../pid-alive.js";

/**
 * Takes `lockPath` (an exclusive-create file holding our pid) so two Spark processes never write
 * the same `.partial`. A lock left by a dead process is taken over. Returns the release function.
 */
export async function acquireFileLock(lockPath: string, what: string): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(lockPath, "wx");
      try {
        await handle.writeFile(String(process.pid));
      } finally {
        await handle.close();
      }
      return () => rm(lockPath, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") {
        throw new ModelError(`cannot create ${lockPath}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
      }
      const pid = Number((await readFile(lockPath, "utf8").catch(() => "")).trim());
      if (Number.isInteger(pid) && pid > 0 && pidAlive(pid)) {
        const who = pid === process.pid ? "this process" : `another spark process (pid ${pid})`;
        throw new ModelError(`${who} is already downloading ${what}; wait for it to finish`);
      }
      await rm(lockPath, { force: true });
    }
  }
  throw new ModelError(`cannot lock ${lockPath}`);
}
