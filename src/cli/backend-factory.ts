/**
 * CLI options and environment → a Backend: `--endpoint`/SPARK_ENDPOINT picks an
 * OpenAI-compatible server, otherwise `--model`/SPARK_MODEL is resolved (downloaded once into the
 * cache) and served by a running `spark serve` that has it loaded, else loaded in this process. Progress goes to stderr only, so stdout stays clean for
 * `--json`.
 */
import type { Writable } from "node:stream";
import { openHttpBackend, openLocalBackend, type Backend } from "../inference/index.js";
import { createDownloadProgress, defaultModelUri, resolveModel } from "../models/index.js";
import { findRunningServer } from "../server/server-registry.js";

/** What the factory reads. */
export interface BackendFactoryOptions {
  /** `--model`. Default: SPARK_MODEL, then the default model. */
  model?: string;
  /** `--endpoint`. Default: SPARK_ENDPOINT; none means in-process. */
  endpoint?: string;
  /** `--context`. Default: 131072 or the model's maximum. */
  context?: number;
  /** `--threads`. Default: tuned. */
  threads?: number;
  /** Base of a relative `--model` path. */
  cwd: string;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  /** Where progress bars and notices go (drawn only on a TTY). */
  stderr: Writable & { isTTY?: boolean; columns?: number };
  /**
   * Progress to this callback instead of drawn on `stderr` (the TUI owns the screen).
   * Default: drawn on `stderr`.
   */
  onProgress?: (p: { phase: "download" | "load" | "prefill"; done: number; total: number }) => void;
}

/** Opens the backend the options ask for. */
export async function createBackend(opts: BackendFactoryOptions): Promise<Backend> {
  const endpoint = opts.endpoint ?? nonEmpty(opts.env.SPARK_ENDPOINT);
  if (endpoint !== undefined) {
    return openHttpBackend({ endpoint, model: opts.model ?? nonEmpty(opts.env.SPARK_MODEL), apiKey: nonEmpty(opts.env.SPARK_API_KEY), signal: opts.signal });
  }
  const uri = opts.model ?? defaultModelUri(opts.env);
  const onProgress = opts.onProgress;
  const download = onProgress ? undefined : createDownloadProgress({ stderr: opts.stderr, stdout: opts.stderr, label: uri });
  let resolved;
  try {
    resolved = await resolveModel(uri, {
      env: opts.env,
      cwd: opts.cwd,
      signal: opts.signal,
      onProgress: (p) => (onProgress ? onProgress({ phase: "download", done: p.downloadedBytes, total: p.totalBytes }) : download?.update(p)),
    });
  } catch (err) {
    download?.stop();
    throw err;
  }
  download?.finish(resolved.path);
  // A `spark serve` already holding this model (and its warm prefix cache) beats loading it again.
  const apiKey = nonEmpty(opts.env.SPARK_API_KEY);
  // The forced-reply test seam lives in the in-process engine: never hand such a run to a server.
  const forced = nonEmpty(opts.env.SPARK_FORCED_REPLY) !== undefined;
  const server = forced ? undefined : await findRunningServer(resolved.path, { env: opts.env, ...(apiKey !== undefined ? { apiKey } : {}), ...(opts.context !== undefined ? { minContext: opts.context } : {}) });
  if (server !== undefined && (!server.auth || apiKey !== undefined)) {
    if (!onProgress) opts.stderr.write(`spark: using spark serve at ${server.url} (pid ${server.pid})\n`);
    return openHttpBackend({ endpoint: server.url, model: server.model, apiKey, signal: opts.signal });
  }
  const load = onProgress ? { update: onProgress, done: () => undefined } : loadProgress(opts.stderr);
  try {
    return await openLocalBackend({
      modelPath: resolved.path,
      modelName: uri,
      ...(opts.context !== undefined ? { contextSize: opts.context } : {}),
      ...(opts.threads !== undefined ? { threads: opts.threads } : {}),
      env: opts.env,
      onProgress: load.update,
    });
  } finally {
    load.done();
  }
}

function nonEmpty(s: string | undefined): string | undefined {
  return s !== undefined && s.trim() !== "" ? s : undefined;
}

/** A one-line "loading model 42%" / "prefill 40%" on a TTY, cleared when a phase completes; silent on a pipe. */
function loadProgress(stderr: BackendFactoryOptions["stderr"]): {
  update: (p: { phase: "load" | "prefill"; done: number; total: number }) => void;
  done: () => void;
} {
  let drawn = false;
  let last = "";
  const clear = (): void => {
    if (drawn) stderr.write("\r\x1b[2K");
    drawn = false;
    last = "";
  };
  return {
    update(p) {
      if (stderr.isTTY !== true || p.total <= 0) return;
      if (p.done >= p.total) return clear();
      const line = p.phase === "load" ? `loading model ${Math.floor((100 * p.done) / p.total)}%` : `reading the repository ${Math.floor((100 * p.done) / p.total)}% (${p.done}/${p.total} tokens)`;
      if (line === last) return;
      last = line;
      stderr.write(`\r\x1b[2K${line}`);
      drawn = true;
    },
    done: clear,
  };
}
