import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { AgentEvent } from "../../src/agent/events.js";
import type { TurnOutcome } from "../../src/agent/turn.js";

/** A temp git repo with `files` committed (paths → content). */
export function makeRepo(files: Record<string, string | Uint8Array>, opts: { commit?: boolean } = {}): string {
  const root = mkdtempSync(path.join(os.tmpdir(), "spark-agent-"));
  git(root, "init", "-q", "-b", "main");
  writeFiles(root, files);
  if (opts.commit !== false) {
    git(root, "add", "-A");
    git(root, "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "init");
  }
  return root;
}

export function writeFiles(root: string, files: Record<string, string | Uint8Array>): void {
  for (const [file, content] of Object.entries(files)) {
    const full = path.join(root, file);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
}

export function git(root: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd: root, encoding: "utf8" });
}

/** One token per byte (like the fixture model's byte vocab): exact and additive. */
export async function byteTokens(text: string): Promise<number> {
  return Buffer.byteLength(text);
}

/** A crude BPE-like counter: one token per word or punctuation run; not additive across joins. */
export async function wordTokens(text: string): Promise<number> {
  return (text.match(/\w+|[^\w\s]+|\s+/g) ?? []).length;
}

/** Runs a turn (or `runAgent`) to its end: every event it yielded and how it ended. */
export async function collect(gen: AsyncGenerator<AgentEvent, TurnOutcome>): Promise<{ events: AgentEvent[]; outcome: TurnOutcome }> {
  const events: AgentEvent[] = [];
  for (;;) {
    const next = await gen.next();
    if (next.done) return { events, outcome: next.value };
    events.push(next.value);
  }
}
