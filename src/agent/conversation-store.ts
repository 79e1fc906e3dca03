/**
 * `--continue`: the last conversation of each repository, kept in the cache folder
 * (`<cache>/spark/conversations/<hash of repo root>.json`), so the next run can append to it
 * verbatim and the backend reuses the whole earlier prompt from its prefix cache.
 */
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import type { ChatMessage } from "../inference/index.js";

/** A saved conversation. */
export interface StoredConversation {
  version: 1;
  root: string;
  model: string;
  messages: ChatMessage[];
  /** Repo-relative path → blob hash of every file whose content the model has seen. */
  seen: Record<string, string>;
  /** Edit scope of the first turn (kept for the next). */
  scope: string[];
  updatedAt: string;
}

function fileFor(dir: string, root: string): string {
  return path.join(dir, `${createHash("sha256").update(root).digest("hex").slice(0, 16)}.json`);
}

/** Loads the last conversation of `root`, or undefined when there is none (or it is unreadable). */
export async function loadConversation(dir: string, root: string): Promise<StoredConversation | undefined> {
  try {
    const data = JSON.parse(await readFile(fileFor(dir, root), "utf8")) as StoredConversation;
    return data.version === 1 && data.root === root && Array.isArray(data.messages) ? data : undefined;
  } catch {
    return undefined;
  }
}

/** Saves `conv` as the last conversation of its repo (atomically). */
export async function saveConversation(dir: string, conv: StoredConversation): Promise<void> {
  const file = fileFor(dir, conv.root);
  await mkdir(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(conv));
  await rename(tmp, file);
}
