/**
 * `spark serve` safety as a real child process: loopback-only without a key, bearer auth, body
 * limit, bounded queue, client disconnects abort their generation, SIGTERM drains and exits 0.
 * A long generation is held open with a grammar (llama-server's `grammar` extension) forcing a
 * text the successor model would never write, which decodes slowly enough to act on mid-stream.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { APIConnectionError, OpenAI } from "openai";
import type { ChatCompletionCreateParamsStreaming } from "openai/resources/chat/completions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureFixtureModel } from "../../fixtures/index.js";
import { sparkBin, spawnServe, type ServeProcess } from "../server/spawn-serve.js";

const KEY = "test-key-123";
const modelPath = ensureFixtureModel("successor");
let server: ServeProcess;
let client: OpenAI;

beforeAll(async () => {
  server = await spawnServe(["--model", modelPath, "--context", "4096", "--threads", "1", "--sequences", "1", "--queue", "0"], { SPARK_API_KEY: KEY });
  client = new OpenAI({ baseURL: server.url, apiKey: KEY, maxRetries: 0 });
});
afterAll(async () => {
  if (server?.child.exitCode === null) await server.stop();
});

/** A streaming request whose output is forced (slowly) to `text`. */
function forcedStream(text: string, signal?: AbortSignal) {
  const params = {
    model: "any",
    messages: [{ role: "user", content: "hold" }],
    stream: true,
    stream_options: { include_usage: true },
    grammar: `root ::= ${JSON.stringify(text)}`,
  } as ChatCompletionCreateParamsStreaming;
  return client.chat.completions.create(params, { signal });
}

/** Reads a stream until its first content arrives; returns that content and the iterator. */
async function firstContent(stream: AsyncIterable<OpenAI.ChatCompletionChunk>): Promise<{ text: string; rest: AsyncIterator<OpenAI.ChatCompletionChunk> }> {
  const it = stream[Symbol.asyncIterator]();
  for (;;) {
    const { value, done } = await it.next();
    if (done) throw new Error("stream ended before any content");
    const text = value.choices[0]?.delta.content;
    if (text) return { text, rest: it };
  }
}

describe("spark serve safety", () => {
  it("refuses a non-loopback host without an API key: exit 2, one line, nothing loaded", async () => {
    const child = spawn(process.execPath, [sparkBin, "serve", "--host", "0.0.0.0", "--model", modelPath], { env: { PATH: process.env.PATH ?? "", SPARK_API_KEY: "" }, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
    expect(code).toBe(2);
    expect(stderr).toBe("spark: refusing to listen on 0.0.0.0 without an API key: pass --api-key KEY or set SPARK_API_KEY\n");
  });

  it("refuses a blank API key (--api-key or SPARK_API_KEY) as a usage error: exit 2, one line, nothing loaded", async () => {
    const run = async (args: string[], envKey?: string): Promise<{ code: number | null; stderr: string }> => {
      const env = { PATH: process.env.PATH ?? "", ...(envKey !== undefined ? { SPARK_API_KEY: envKey } : {}) };
      // A regression would start a server: the timeout ends it instead of the suite.
      const child = spawn(process.execPath, [sparkBin, "serve", "--host", "0.0.0.0", "--model", modelPath, ...args], { env, stdio: ["ignore", "pipe", "pipe"], timeout: 20_000 });
      let stderr = "";
      child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
      const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
      return { code, stderr };
    };
    for (const key of ["", "   ", "\u00a0"]) {
      expect(await run(["--api-key", key])).toEqual({ code: 2, stderr: "spark: --api-key is blank: give a real key, or leave it out to listen on loopback only\n" });
    }
    expect(await run([], " \t")).toEqual({ code: 2, stderr: "spark: SPARK_API_KEY is blank: give a real key, or leave it out to listen on loopback only\n" });
    expect(await run(["--api-key", " padded "])).toEqual({ code: 2, stderr: "spark: --api-key starts or ends with whitespace, which no HTTP client can send\n" });
  });

  it("compares the bearer token exactly: no trimming, no other whitespace", async () => {
    const status = async (authorization: string): Promise<number> => (await fetch(`${server.url}/models`, { headers: { authorization } })).status;
    expect(await status(`Bearer ${KEY}`)).toBe(200);
    expect(await status(`Bearer \u00a0${KEY}`)).toBe(401);
    expect(await status(`Bearer ${KEY}\u00a0`)).toBe(401);
    expect(await status(`Bearer\t${KEY}`)).toBe(401);
    expect(await status(`Bearer ${KEY.slice(0, -1)}`)).toBe(401);
    expect(await status("Bearer \u00a0")).toBe(401);
  });

  it("/health without the key says only that the server is up; with it, the pid, model and load", async () => {
    const anonymous = await fetch(`http://127.0.0.1:${server.port}/health`);
    expect(anonymous.status).toBe(200);
    expect(await anonymous.json()).toEqual({ status: "ok" });
    const keyed = await fetch(`http://127.0.0.1:${server.port}/health`, { headers: { authorization: `Bearer ${KEY}` } });
    expect(await keyed.json()).toMatchObject({ status: "ok", pid: server.child.pid, model: modelPath });
  });

  it("with a key set, requests need the bearer token (401 JSON otherwise); /health stays open", async () => {
    const anonymous = new OpenAI({ baseURL: server.url, apiKey: "wrong", maxRetries: 0 });
    const err = await anonymous.models.list().catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 401, code: "invalid_api_key", type: "authentication_error" });
    const raw = await fetch(`${server.url}/models`);
    expect(raw.status).toBe(401);
    expect(await raw.json()).toMatchObject({ error: { code: "invalid_api_key" } });
    expect((await fetch(`http://127.0.0.1:${server.port}/health`)).status).toBe(200);
    const ok = await client.chat.completions.create({ model: "any", messages: [{ role: "user", content: "hi" }], max_tokens: 3 });
    expect(ok.choices[0]?.message.content).toBe("\v\f\r");
  });

  it("answers 413 to a body over 8 MiB, and keeps serving", async () => {
    const err = await client.chat.completions.create({ model: "any", messages: [{ role: "user", content: "x".repeat(9 * 1024 * 1024) }], max_tokens: 1 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 413, code: "request_too_large" });
    const ok = await client.completions.create({ model: "any", prompt: "a", max_tokens: 2 });
    expect(ok.choices[0]?.text).toBe("bc");
  });

  it("answers 429 with Retry-After when the queue is full; a client that disconnects aborts its generation", async () => {
    const long = "spark ".repeat(500);
    const holder = new AbortController();
    const stream = await forcedStream(long, holder.signal);
    const { text } = await firstContent(stream);
    expect(long.startsWith(text)).toBe(true);

    const refused = await client.chat.completions.create({ model: "any", messages: [{ role: "user", content: "me too" }], max_tokens: 2 }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 429, code: "queue_full", type: "rate_limit_error" });
    expect((refused as { headers: Headers }).headers.get("retry-after")).toBe("1");

    holder.abort();
    const logged = await server.waitForLine(/aborted after \d+ chars \(client disconnected\)/);
    const chars = Number(/aborted after (\d+) chars/.exec(logged)?.[1]);
    expect(chars).toBeLessThan(long.length);
    // The sequence is free again at once.
    const next = await client.completions.create({ model: "any", prompt: "a", max_tokens: 3 });
    expect(next.choices[0]?.text).toBe("bcd");
  });

  it("SIGTERM stops accepting, lets the in-flight stream finish, removes its registry file and exits 0", async () => {
    const registry = path.join(server.cacheHome, "spark", "servers", `${server.child.pid}.json`);
    expect(existsSync(registry)).toBe(true);
    const forced = Array.from({ length: 30 }, (_, i) => `drain line ${i}\n`).join("");
    const stream = await forcedStream(forced);
    const { text, rest } = await firstContent(stream);
    server.child.kill("SIGTERM");
    await server.waitForLine(/shutting down: no new connections; draining 1 request/);
    const late = await new OpenAI({ baseURL: server.url, apiKey: KEY, maxRetries: 0 }).models.list().catch((e: unknown) => e);
    expect(late).toBeInstanceOf(APIConnectionError);
    let all = text;
    let usage: OpenAI.CompletionUsage | undefined;
    for (let r = await rest.next(); !r.done; r = await rest.next()) {
      all += r.value.choices[0]?.delta.content ?? "";
      usage = r.value.usage ?? usage;
    }
    expect(all).toBe(forced);
    expect(usage?.completion_tokens).toBe(forced.length);
    expect(await server.exited).toBe(0);
    expect(existsSync(registry)).toBe(false);
    expect(server.lines.at(-1)).toBe("spark serve: stopped");
  });
});
