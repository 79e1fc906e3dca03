/**
 * What a follow-up turn shows before its task: files that changed since the model last saw them
 * (by hand, by `/undo`, by a command), and files in focus this turn that it has not seen yet
 * (`@path`, /add). Each is shown whole, once; `seen` is updated to what the model now knows.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { blobHash, renderFileBlock } from "../context/index.js";

/** The text to put before the task ("" when nothing is new) and the contents read (undefined: deleted). */
export interface FileUpdates {
  text: string;
  contents: Map<string, string | undefined>;
}

/** Reads what changed or is newly in focus, updating `seen` (repo-relative path → blob hash). */
export async function fileUpdates(root: string, seen: Map<string, string>, focus: readonly string[]): Promise<FileUpdates> {
  const changed: string[] = [];
  const contents = new Map<string, string | undefined>();
  for (const [file, hash] of [...seen].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const bytes = await readFile(path.join(root, file)).catch(() => undefined);
    if (bytes !== undefined && blobHash(bytes) === hash) continue;
    const text = bytes === undefined ? undefined : new TextDecoder().decode(bytes);
    contents.set(file, text);
    changed.push(text === undefined ? `${file} (deleted)\n\n` : renderFileBlock(file, text));
    if (bytes !== undefined) seen.set(file, blobHash(bytes));
    else seen.delete(file);
  }
  const unseen: string[] = [];
  for (const file of focus) {
    if (seen.has(file) || contents.has(file)) continue;
    const bytes = await readFile(path.join(root, file)).catch(() => undefined);
    if (bytes === undefined) continue;
    const text = new TextDecoder().decode(bytes);
    contents.set(file, text);
    unseen.push(renderFileBlock(file, text));
    seen.set(file, blobHash(bytes));
  }
  const parts: string[] = [];
  if (changed.length > 0) parts.push(`These files changed since you last saw them:\n\n${changed.join("")}`);
  if (unseen.length > 0) parts.push(`The files in focus for this task:\n\n${unseen.join("")}`);
  return { text: parts.join(""), contents };
}
