/**
 * Prompt history kept per repository across sessions (Up/Down reach yesterday's prompts), one
 * JSON string per line in `<state>/spark/history/<hash of repo root>.jsonl`. Appends only; the
 * newest `HISTORY_LIMIT` are read back. Failures lose history, never the session.
 */
import { createHash } from "node:crypto";
import { appendFile, mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { HISTORY_LIMIT } from "./history.js";

/** The history file of `root` under `dir`. */
export function historyFile(dir: string, root: string): string {
  return path.join(dir, `${createHash("sha256").update(root).digest("hex").slice(0, 16)}.jsonl`);
}

/** The stored entries, oldest first (at most `HISTORY_LIMIT`; unreadable lines are skipped). */
export async function loadHistory(file: string): Promise<string[]> {
  const text = await readFile(file, "utf8").catch(() => "");
  const out: string[] = [];
  for (const line of text.split("\n")) {
    if (line === "") continue;
    try {
      const v: unknown = JSON.parse(line);
      if (typeof v === "string" && v.trim() !== "" && v !== out[out.length - 1]) out.push(v);
    } catch {
      // a torn line from a crash: skip it
    }
  }
  return out.slice(-HISTORY_LIMIT);
}

/** Appends one entry. */
export async function appendHistory(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await appendFile(file, `${JSON.stringify(text)}\n`);
}
