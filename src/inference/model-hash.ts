import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import path from "node:path";

/**
 * SHA-256 of a model file, cached by (path, size, mtime) in `cacheFile`: hashing a GB model takes
 * seconds, so it is done once per file version.
 */
export async function modelFileHash(modelPath: string, cacheFile: string): Promise<string> {
  const st = await stat(modelPath);
  const id = `${path.resolve(modelPath)}|${st.size}|${Math.trunc(st.mtimeMs)}`;
  let cache: Record<string, string> = {};
  try {
    cache = JSON.parse(await readFile(cacheFile, "utf8")) as Record<string, string>;
  } catch {
    // no cache yet (or unreadable): start over
  }
  const known = cache[id];
  if (known) return known;
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(modelPath, { highWaterMark: 1 << 22 })) hash.update(chunk as Buffer);
  const digest = hash.digest("hex");
  cache[id] = digest;
  await mkdir(path.dirname(cacheFile), { recursive: true });
  const tmp = `${cacheFile}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(cache));
  await rename(tmp, cacheFile);
  return digest;
}
