/**
 * `spark serve` end to end: refuse an unsafe bind, resolve and load the model once (wafer plan),
 * listen, advertise the server in the cache folder, and on SIGINT/SIGTERM drain and exit 0.
 */
import type { Writable } from "node:stream";
import { ModelError, UsageError } from "../errors.js";
import { LocalEngine } from "../inference/runtime.js";
import { createDownloadProgress, defaultModelUri, resolveModel } from "../models/index.js";
import { registerServer } from "./server-registry.js";
import { assertSafeBind, checkApiKey } from "./auth.js";
import { startServer } from "./http-server.js";
import { ModelService } from "./model-service.js";

/** Options of `runServe` (the `spark serve` flags). */
export interface ServeOptions {
  /** Default 127.0.0.1; anything else needs an API key. */
  host: string;
  /** 0 = any free port (the chosen one is printed). */
  port: number;
  /** `--model`. Default: SPARK_MODEL, then the default model. */
  model?: string;
  /** `--api-key`, else SPARK_API_KEY (the CLI reads it). Default none (loopback only). */
  apiKey?: string;
  context?: number;
  threads?: number;
  /** KV sequences (clients kept apart). Default 4. */
  sequences?: number;
  /** Requests that may wait before 429. Default 16. */
  queue?: number;
  /** Seconds in-flight requests get after SIGTERM before they are aborted. Default 30. */
  drainS?: number;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Aborted by SIGINT/SIGTERM: stop accepting, drain, return. */
  signal: AbortSignal;
  stderr: Writable & { isTTY?: boolean; columns?: number };
}

export async function runServe(o: ServeOptions): Promise<void> {
  const apiKey = o.apiKey !== undefined ? checkApiKey(o.apiKey, "API key") : undefined;
  assertSafeBind(o.host, apiKey);
  const say = (line: string): void => void o.stderr.write(`spark serve: ${line}\n`);
  const uri = o.model ?? defaultModelUri(o.env);
  const download = createDownloadProgress({ stderr: o.stderr, stdout: o.stderr, label: uri });
  let resolved;
  try {
    resolved = await resolveModel(uri, { env: o.env, cwd: o.cwd, signal: o.signal, onProgress: (p) => download.update(p) });
  } catch (err) {
    download.stop();
    throw err;
  }
  download.finish(resolved.path);
  const loadStarted = performance.now();
  const engine = await LocalEngine.open({ modelPath: resolved.path, contextSize: o.context, threads: o.threads, sequences: o.sequences ?? 4, env: o.env });
  try {
    const service = new ModelService({ engine, maxWaiting: o.queue ?? 16, env: o.env });
    let server;
    try {
      server = await startServer({ service, modelName: uri, host: o.host, port: o.port, apiKey, log: (line) => void o.stderr.write(`${line}\n`) });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "EADDRINUSE") throw new UsageError(`port ${o.port} on ${o.host} is in use; pass another --port (0 picks a free one)`, { cause: err });
      if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND") throw new UsageError(`cannot listen on ${o.host}: no such local address`, { cause: err });
      throw new ModelError(`cannot listen on ${o.host}:${o.port}: ${(err as Error).message}`, { cause: err });
    }
    const registration = await registerServer(
      {
        pid: process.pid,
        url: server.url,
        modelPath: resolved.path,
        model: uri,
        contextSize: service.contextSize,
        sequences: service.sequences,
        auth: apiKey !== undefined,
        startedAt: new Date().toISOString(),
      },
      o.env,
    );
    const onExit = (): void => registration.remove();
    process.on("exit", onExit);
    try {
      say(`listening on ${server.url} (model ${uri}, context ${service.contextSize}, ${service.sequences} sequences, loaded in ${Math.round(performance.now() - loadStarted)} ms${apiKey !== undefined ? ", API key required" : ""})`);
      if (!o.signal.aborted) await new Promise<void>((resolve) => o.signal.addEventListener("abort", () => resolve(), { once: true }));
      await server.shutdown((o.drainS ?? 30) * 1000);
      say("stopped");
    } finally {
      registration.remove();
      process.off("exit", onExit);
    }
  } finally {
    await engine.dispose();
  }
}
