/**
 * Past conversations of each repository, kept in the cache folder so a later run can append to
 * one verbatim (the backend then reuses its whole earlier prompt from the prefix cache):
 * `<cache>/spark/conversations/<hash of repo root>/<id>.json`, with a small `<id>.meta.json`
 * beside it so listing them (`spark --resume`) reads no packed context. `--continue` takes the
 * newest; `--resume ID` a chosen one. The newest `KEEP_CONVERSATIONS` per repository are kept.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { ChatMessage } from "../inference/index.js";

/** A saved conversation. */
export interface StoredConversation {
  version: 2;
  /** 8 hex digits, unique per repository. */
  id: string;
  root: string;
  model: string;
  messages: ChatMessage[];
  /** Repo-relative path → blob hash of every file whose content the model has seen. */
  seen: Record<string, string>;
  /** Edit scope of the first turn (kept for the next). */
  scope: string[];
  /** What the person typed, one entry per turn, oldest first. */
  tasks: string[];
  /** Repo-relative files the conversation's applied edits touched. */
  files: string[];
  createdAt: string;
  updatedAt: string;
}

/** What a listing shows of a conversation. */
export interface ConversationSummary {
  id: string;
  createdAt: string;
  updatedAt: string;
  /** The first task ("" when none was recorded). */
  firstMessage: string;
  turns: number;
  files: string[];
}

/** Conversations kept per repository (older ones are removed when a new one is saved). */
export const KEEP_CONVERSATIONS = 50;

/** A new conversation id. */
export function newConversationId(): string {
  return randomBytes(4).toString("hex");
}

function repoDir(dir: string, root: string): string {
  return path.join(dir, createHash("sha256").update(root).digest("hex").slice(0, 16));
}

/** Where wave 1 kept the single last conversation of a repository (still read by --continue). */
function legacyFile(dir: string, root: string): string {
  return `${repoDir(dir, root)}.json`;
}

const isId = (id: string): boolean => /^[0-9a-f]{8}$/.test(id);

function summaryOf(c: StoredConversation): ConversationSummary {
  return { id: c.id, createdAt: c.createdAt, updatedAt: c.updatedAt, firstMessage: c.tasks[0] ?? "", turns: c.tasks.length, files: c.files };
}

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as T;
  } catch {
    return undefined;
  }
}

/** `root`'s conversations, newest first (unreadable ones are left out). */
export async function listConversations(dir: string, root: string): Promise<ConversationSummary[]> {
  const folder = repoDir(dir, root);
  const names = await readdir(folder).catch(() => [] as string[]);
  const out: ConversationSummary[] = [];
  for (const name of names) {
    const id = name.replace(/\.meta\.json$/, "");
    if (id === name || !isId(id)) continue;
    const meta = await readJson<ConversationSummary>(path.join(folder, name));
    if (meta && meta.id === id && typeof meta.updatedAt === "string") out.push(meta);
  }
  return out.sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0));
}

/**
 * Loads conversation `id` of `root` (a unique prefix of an id will do), or the newest one when
 * `id` is undefined; undefined when there is none (or it is unreadable).
 */
export async function loadConversation(dir: string, root: string, id?: string): Promise<StoredConversation | undefined> {
  const list = await listConversations(dir, root);
  const match = id === undefined ? list[0] : (list.find((c) => c.id === id) ?? onlyOne(list.filter((c) => c.id.startsWith(id))));
  if (match === undefined) return id === undefined ? loadLegacy(dir, root) : undefined;
  const data = await readJson<StoredConversation>(path.join(repoDir(dir, root), `${match.id}.json`));
  return data?.version === 2 && data.root === root && Array.isArray(data.messages) ? data : undefined;
}

function onlyOne<T>(list: T[]): T | undefined {
  return list.length === 1 ? list[0] : undefined;
}

async function loadLegacy(dir: string, root: string): Promise<StoredConversation | undefined> {
  const data = await readJson<Omit<StoredConversation, "version" | "id" | "tasks" | "files" | "createdAt"> & { version: number }>(legacyFile(dir, root));
  if (data?.version !== 1 || data.root !== root || !Array.isArray(data.messages)) return undefined;
  return { ...data, version: 2, id: newConversationId(), tasks: [], files: [], createdAt: data.updatedAt };
}

/** Saves `conv` (atomically) and removes the oldest beyond `KEEP_CONVERSATIONS`. */
export async function saveConversation(dir: string, conv: StoredConversation): Promise<void> {
  const folder = repoDir(dir, conv.root);
  await mkdir(folder, { recursive: true });
  await writeAtomic(path.join(folder, `${conv.id}.json`), JSON.stringify(conv));
  await writeAtomic(path.join(folder, `${conv.id}.meta.json`), JSON.stringify(summaryOf(conv)));
  const old = (await listConversations(dir, conv.root)).slice(KEEP_CONVERSATIONS);
  for (const c of old) {
    await rm(path.join(folder, `${c.id}.meta.json`), { force: true });
    await rm(path.join(folder, `${c.id}.json`), { force: true });
  }
}

async function writeAtomic(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, file);
}
