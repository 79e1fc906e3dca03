/**
 * Running `spark serve` processes, one JSON file each under `<cache>/servers/`, so `spark fix`,
 * `spark run` and the TUI can use a resident model instead of loading their own. A file whose
 * process is gone (killed without cleanup) is removed by the next reader.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { readdir, readFile, realpath, rm } from "node:fs/promises";
import path from "node:path";
import { cacheDir } from "../paths.js";
import { pidAlive } from "../pid-alive.js";

/** One running server. */
export interface ServerRecord {
  pid: number;
  /** Base URL for OpenAI clients, e.g. `http://127.0.0.1:8080/v1`. */
  url: string;
  /** Real path of the loaded GGUF file (symlinks resolved). */
  modelPath: string;
  /** The model id the server reports (the `--model` value as given). */
  model: string;
  contextSize: number;
  sequences: number;
  /** Requests need `Authorization: Bearer $SPARK_API_KEY`; the key itself is never written. */
  auth: boolean;
  /** ISO time. */
  startedAt: string;
}

/** Where server records live. */
export function serversDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(cacheDir(env), "servers");
}

/** A written record; `remove` is synchronous so it can run from an `exit` handler. */
export interface Registration {
  readonly file: string;
  remove(): void;
}

/** Writes this server's record (atomically; readable by the user only). */
export async function registerServer(record: ServerRecord, env: NodeJS.ProcessEnv = process.env): Promise<Registration> {
  const dir = serversDir(env);
  mkdirSync(dir, { recursive: true });
  const full: ServerRecord = { ...record, modelPath: await realpath(record.modelPath).catch(() => record.modelPath) };
  const file = path.join(dir, `${record.pid}.json`);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(full, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
  let removed = false;
  return {
    file,
    remove() {
      if (removed) return;
      removed = true;
      rmSync(file, { force: true });
    },
  };
}

/** Options of `listServers` / `findRunningServer`. */
export interface FindServerOptions {
  env?: NodeJS.ProcessEnv;
  /** Injected for tests. Default `pidAlive`. */
  isAlive?: (pid: number) => boolean;
  /** Confirms the server answers as that pid. Default: GET `/health` with a 1 s timeout. */
  probe?: (record: ServerRecord) => Promise<boolean>;
  /** Only servers with at least this context. Default: any. */
  minContext?: number;
  /** Sent to `/health`, which names its pid only to clients with the key. Default none. */
  apiKey?: string;
}

function isRecord(v: unknown): v is ServerRecord {
  const r = v as Partial<ServerRecord> | null;
  return typeof r === "object" && r !== null && typeof r.pid === "number" && typeof r.url === "string" && typeof r.modelPath === "string";
}

/** Records of live servers; stale files are deleted. */
export async function listServers(opts: FindServerOptions = {}): Promise<ServerRecord[]> {
  const dir = serversDir(opts.env);
  const isAlive = opts.isAlive ?? pidAlive;
  const names = await readdir(dir).catch(() => [] as string[]);
  const out: ServerRecord[] = [];
  for (const name of names.filter((n) => n.endsWith(".json"))) {
    const file = path.join(dir, name);
    let record: unknown;
    try {
      record = JSON.parse(await readFile(file, "utf8"));
    } catch {
      continue; // being written, or not ours
    }
    if (!isRecord(record)) continue;
    if (!isAlive(record.pid)) {
      await rm(file, { force: true });
      continue;
    }
    out.push(record);
  }
  return out.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}

/** Asks `/health` whether the server at `record.url` is up and is that process. */
export async function probeHealth(record: ServerRecord, timeoutMs = 1000, apiKey?: string): Promise<boolean> {
  try {
    const headers = apiKey !== undefined ? { authorization: `Bearer ${apiKey}` } : undefined;
    const res = await fetch(new URL("/health", record.url), { signal: AbortSignal.timeout(timeoutMs), ...(headers ? { headers } : {}) });
    if (!res.ok) return false;
    const body = (await res.json()) as { pid?: unknown };
    return body.pid === record.pid;
  } catch {
    return false;
  }
}

/** The newest live server that has `modelPath` loaded and answers, if any. */
export async function findRunningServer(modelPath: string, opts: FindServerOptions = {}): Promise<ServerRecord | undefined> {
  const wanted = await realpath(modelPath).catch(() => path.resolve(modelPath));
  const probe = opts.probe ?? ((r: ServerRecord) => probeHealth(r, 1000, opts.apiKey));
  for (const record of await listServers(opts)) {
    if (record.modelPath !== wanted) continue;
    if (opts.minContext !== undefined && record.contextSize < opts.minContext) continue;
    if (await probe(record)) return record;
  }
  return undefined;
}
