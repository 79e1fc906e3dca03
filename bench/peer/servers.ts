/**
 * The servers the peer benchmark compares: llama.cpp's llama-server (a given binary) and `spark
 * serve`, each a child process on 127.0.0.1, asked the same /v1/completions request.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { spawnServe } from "../../test/server/spawn-serve.js";

/** A running server: its /v1 base URL and how to stop it. */
export interface PeerServer {
  name: string;
  url: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

/** What both kinds of server are given. */
export interface ServerSettings {
  model: string;
  threads: number;
  contextSize: number;
}

/**
 * Starts llama-server with `--spec-type` (none, ngram-mod, …), one slot, the prompt cache on, and
 * waits until /health answers 200 (the model is loaded).
 */
export async function startLlamaServer(binary: string, settings: ServerSettings, specType: string): Promise<PeerServer> {
  const port = await freePort();
  const args = ["-m", settings.model, "-t", String(settings.threads), "-tb", String(settings.threads), "-c", String(settings.contextSize), "-np", "1", "--port", String(port), "--host", "127.0.0.1", "--spec-type", specType, "--no-webui"];
  const child = spawn(binary, args, { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  child.stderr?.on("data", (b: Buffer) => (log = (log + b.toString()).slice(-4000)));
  const exited = new Promise<never>((_, reject) => child.once("exit", (code) => reject(new Error(`llama-server (${specType}) exited with ${code}: ${log.split("\n").slice(-5).join(" | ")}`))));
  const base = `http://127.0.0.1:${port}`;
  const ready = (async (): Promise<void> => {
    for (;;) {
      const ok = await fetch(`${base}/health`).then((r) => r.status === 200, () => false);
      if (ok) return;
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  try {
    await Promise.race([ready, exited]);
  } catch (err) {
    await stopChild(child);
    throw err;
  }
  exited.catch(() => undefined);
  return { name: `llama-server ${specType}`, url: `${base}/v1`, stop: () => stopChild(child) };
}

/** Starts `spark serve` on the same model, threads and context (a cache folder of its own). */
export async function startSparkServe(settings: ServerSettings): Promise<PeerServer> {
  const serve = await spawnServe(["--model", settings.model, "--threads", String(settings.threads), "--context", String(settings.contextSize)]);
  return {
    name: "spark serve",
    url: serve.url,
    stop: async () => {
      await serve.stop();
    },
  };
}

/** One completion as measured from the client. */
export interface CompletionRun {
  text: string;
  completionTokens: number;
  wallMs: number;
  /** The server's own decode rate (llama-server's `timings.predicted_per_second`; Spark reports the same field). */
  decodeTps: number;
  draftProposed: number;
  draftAccepted: number;
}

interface CompletionBody {
  choices?: { text?: string }[];
  usage?: { completion_tokens?: number };
  timings?: { predicted_per_second?: number; draft_n?: number; draft_n_accepted?: number };
}

/** POST /v1/completions, greedy, under `grammar`; the whole answer in one response. */
export async function complete(server: PeerServer, prompt: string, grammar: string, maxTokens: number): Promise<CompletionRun> {
  const started = performance.now();
  const res = await fetch(`${server.url}/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "m", prompt, grammar, max_tokens: maxTokens, temperature: 0, stream: false, cache_prompt: true }),
  });
  const body = (await res.json()) as CompletionBody;
  const wallMs = performance.now() - started;
  if (!res.ok) throw new Error(`${server.name}: HTTP ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
  return {
    text: body.choices?.[0]?.text ?? "",
    completionTokens: body.usage?.completion_tokens ?? 0,
    wallMs,
    decodeTps: body.timings?.predicted_per_second ?? 0,
    draftProposed: body.timings?.draft_n ?? 0,
    draftAccepted: body.timings?.draft_n_accepted ?? 0,
  };
}
