import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";

/** A file's bytes as a checkpoint records them: sha256, hex. */
export function contentHash(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** `contentHash` of each repo-relative path in `root` as it is now; null where there is no file. */
export async function currentHashes(root: string, files: readonly string[]): Promise<Record<string, string | null>> {
  const out: Record<string, string | null> = {};
  for (const f of files) {
    const bytes = await readFile(path.join(root, f)).catch(() => undefined);
    out[f] = bytes ? contentHash(bytes) : null;
  }
  return out;
}
