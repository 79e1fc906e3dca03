import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll } from "vitest";
import { NO_KEY, type KeyInfo } from "../../src/tui/input/keymap.js";
import { emptyStats, type Backend, type BackendInfo, type GenerateChunk, type GenerateRequest } from "../../src/inference/index.js";

// Hermetic git and cache for every test in the importing file.
const home = mkdtempSync(path.join(os.tmpdir(), "spark-tui-home-"));
writeFileSync(path.join(home, "gitconfig"), "[user]\n\tname = Test\n\temail = test@example.com\n");
process.env.GIT_CONFIG_GLOBAL = path.join(home, "gitconfig");
process.env.GIT_CONFIG_NOSYSTEM = "1";
process.env.XDG_CACHE_HOME = path.join(home, "cache");
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** A temp git repository with `files` committed; `cleanup` removes it. */
export function makeRepo(files: Record<string, string>): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), "spark-tui-"));
  const git = (...args: string[]): string => execFileSync("git", args, { cwd: dir, encoding: "utf8", stdio: "pipe" });
  git("init", "-q", "-b", "main");
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  }
  git("add", "-A");
  git("commit", "-qm", "init");
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A folder outside any repository. */
export function makePlainDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), "spark-tui-plain-"));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Ink's Key with nothing pressed, plus `over`. */
export function key(over: Partial<KeyInfo> = {}): KeyInfo {
  return { ...NO_KEY, ...over };
}

/** Polls `check` between event-loop turns until it passes; fails after `ms`. */
export async function waitFor(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

/** Options of the scripted backend. */
export interface ScriptedBackendOptions {
  /** The n-th generation streams the n-th reply (the last repeats). */
  replies: string[];
  /** Characters per chunk. Default 5. */
  chunk?: number;
  contextSize?: number;
  /** Awaited before each chunk after the first (lets a test act mid-stream). Default none. */
  beforeChunk?: (index: number) => Promise<void>;
}

/** An in-memory Backend: scripted replies, one token per byte. */
export class ScriptedBackend implements Backend {
  readonly info: BackendInfo;
  readonly requests: GenerateRequest[] = [];
  closed = false;
  private n = 0;

  constructor(private readonly opts: ScriptedBackendOptions) {
    this.info = { model: "/models/scripted.gguf", backend: "local", contextSize: opts.contextSize ?? 32768 };
  }

  async countTokens(text: string): Promise<number> {
    return Buffer.byteLength(text);
  }

  async *generate(request: GenerateRequest): AsyncGenerator<GenerateChunk, void, undefined> {
    // A snapshot: the agent appends to the same array after the request.
    this.requests.push({ ...request, messages: request.messages.map((m) => ({ ...m })) });
    const reply = this.opts.replies[Math.min(this.n, this.opts.replies.length - 1)] ?? "";
    this.n++;
    const size = this.opts.chunk ?? 5;
    for (let i = 0, k = 0; i < reply.length; i += size, k++) {
      if (k > 0) await this.opts.beforeChunk?.(k);
      if (request.signal?.aborted) throw Object.assign(new Error("aborted"), { name: "AbortError" });
      yield { type: "text", text: reply.slice(i, i + size) };
    }
    const prompt = request.messages.reduce((n, m) => n + Buffer.byteLength(m.content), 0);
    yield { type: "stats", stats: { ...emptyStats(), promptTokens: prompt, outputTokens: Buffer.byteLength(reply), decodeTps: 123.4 } };
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
