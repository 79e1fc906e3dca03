/**
 * The HTTP backend (official `openai` client) against a real in-process Spark server over the
 * successor model, and against a minimal non-Spark OpenAI-compatible server.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ModelError } from "../../src/errors.js";
import type { Backend, GenerateRequest, GenerationStats } from "../../src/inference/backend.js";
import type { LocalEngine } from "../../src/inference/engine.js";
import { openHttpBackend } from "../../src/inference/http-backend.js";
import { startServer, type SparkServer } from "../../src/server/http-server.js";
import { ModelService } from "../../src/server/model-service.js";
import { openSuccessor } from "./helpers.js";

let engine: LocalEngine;
let server: SparkServer;
const log: string[] = [];
const logWaiters: { re: RegExp; resolve: (l: string) => void }[] = [];

const chatAnswer = (n: number): string => String.fromCharCode(...Array.from({ length: n }, (_, i) => 11 + i));

beforeAll(async () => {
  engine = await openSuccessor({ sequences: 2 });
  const service = new ModelService({ engine, env: {} });
  server = await startServer({
    service,
    modelName: "successor",
    port: 0,
    apiKey: "k",
    log: (line) => {
      log.push(line);
      for (const w of [...logWaiters]) if (w.re.test(line)) w.resolve(line);
    },
  });
});
afterAll(async () => {
  await server?.shutdown();
  await engine?.dispose();
});

async function run(backend: Backend, request: GenerateRequest): Promise<{ text: string; stats: GenerationStats }> {
  let text = "";
  let stats: GenerationStats | undefined;
  for await (const c of backend.generate(request)) {
    if (c.type === "text") text += c.text;
    else stats = c.stats;
  }
  if (!stats) throw new Error("no stats");
  return { text, stats };
}

describe("HTTP backend against spark serve", () => {
  it("reads the model and context, counts tokens exactly, streams text and usage-derived stats", async () => {
    const backend = await openHttpBackend({ endpoint: `http://127.0.0.1:${server.port}`, apiKey: "k" });
    expect(backend.info).toEqual({ model: "successor", backend: "http", contextSize: 2048 });
    expect(await backend.countTokens("héllo wörld")).toBe(13);
    const system = { role: "system" as const, content: "shared prefix ".repeat(30) };
    const first = await run(backend, { messages: [system, { role: "user", content: "one" }], maxTokens: 10 });
    expect(first.text).toBe(chatAnswer(10));
    expect(first.stats).toMatchObject({ outputTokens: 10 });
    expect(first.stats.promptTokens).toBeGreaterThan(system.content.length);
    expect(first.stats.ttftMs).toBeGreaterThan(0);
    const second = await run(backend, { messages: [system, { role: "user", content: "two" }], maxTokens: 10 });
    expect(second.stats.cachedTokens).toBeGreaterThanOrEqual(system.content.length);
  });

  it("passes the prediction (accepted/rejected become draft stats) and a grammar", async () => {
    const backend = await openHttpBackend({ endpoint: `${server.url}/`, apiKey: "k" });
    const predicted = await run(backend, { messages: [{ role: "user", content: "p" }], maxTokens: 30, prediction: chatAnswer(30) });
    expect(predicted.text).toBe(chatAnswer(30));
    // How much of it is sent is priced on the server's measured step costs; some always is.
    expect(predicted.stats.draftAccepted).toBeGreaterThan(0);
    expect(predicted.stats.draftProposed).toBe(predicted.stats.draftAccepted);
    const forced = await run(backend, { messages: [{ role: "user", content: "g" }], maxTokens: 30, grammar: 'root ::= "ok!"' });
    expect(forced.text).toBe("ok!");
  });

  it("an aborted signal ends the generation on the server and throws an AbortError", async () => {
    const backend = await openHttpBackend({ endpoint: server.url, apiKey: "k" });
    const controller = new AbortController();
    const aborted = new Promise<string>((resolve) => logWaiters.push({ re: /aborted after/, resolve }));
    const gen = backend.generate({ messages: [{ role: "user", content: "long" }], grammar: `root ::= "${"abort me ".repeat(300)}"`, signal: controller.signal });
    const first = await gen.next();
    expect(first.value).toMatchObject({ type: "text" });
    controller.abort(new Error("user pressed Esc"));
    await expect(gen.next()).rejects.toMatchObject({ name: "AbortError" });
    expect(await aborted).toMatch(/client disconnected/);
  });

  it("fails with one-line ModelErrors: wrong key, nothing listening", async () => {
    await expect(openHttpBackend({ endpoint: server.url, apiKey: "nope" })).rejects.toThrow(/answered 401 missing or wrong API key/);
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", () => r()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const err = await openHttpBackend({ endpoint: `http://127.0.0.1:${port}/v1` }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelError);
    expect((err as Error).message).toMatch(new RegExp(`^endpoint unreachable: http://127.0.0.1:${port}/v1 \\(.*ECONNREFUSED.*\\)$`));
  });
});

describe("HTTP backend against another OpenAI-compatible server", () => {
  let other: Server;
  let base: string;
  const bodies: Record<string, unknown>[] = [];

  beforeAll(async () => {
    other = createServer((req: IncomingMessage, res) => {
      let body = "";
      req.on("data", (b: Buffer) => (body += b.toString()));
      req.on("end", () => {
        if (req.url === "/v1/models") {
          res.writeHead(200, { "content-type": "application/json" });
          return res.end(JSON.stringify({ object: "list", data: [{ id: "coder", object: "model", owned_by: "someone", max_model_len: 16384 }] }));
        }
        if (req.url === "/v1/chat/completions") {
          bodies.push(JSON.parse(body) as Record<string, unknown>);
          res.writeHead(200, { "content-type": "text/event-stream" });
          const head = { id: "x", object: "chat.completion.chunk", created: 1, model: "coder" };
          for (const piece of ["hel", "lo"]) res.write(`data: ${JSON.stringify({ ...head, choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] })}\n\n`);
          const usage = { prompt_tokens: 50, completion_tokens: 2, total_tokens: 52, prompt_tokens_details: { cached_tokens: 40 }, completion_tokens_details: { accepted_prediction_tokens: 1, rejected_prediction_tokens: 3 } };
          res.write(`data: ${JSON.stringify({ ...head, choices: [], usage })}\n\n`);
          return res.end("data: [DONE]\n\n");
        }
        res.writeHead(404).end();
      });
    });
    await new Promise<void>((r) => other.listen(0, "127.0.0.1", () => r()));
    base = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => other.close(() => r())));

  it("estimates tokens as bytes/4, sends Predicted Outputs but no grammar, maps usage", async () => {
    const backend = await openHttpBackend({ endpoint: base });
    expect(backend.info).toEqual({ model: "coder", backend: "http", contextSize: 16384 });
    expect(await backend.countTokens("abcdefghi")).toBe(3);
    const r = await run(backend, { messages: [{ role: "user", content: "hi" }], prediction: "hello", grammar: "root ::= \"x\"", stop: ["END"], maxTokens: 7 });
    expect(r.text).toBe("hello");
    expect(r.stats).toMatchObject({ promptTokens: 50, cachedTokens: 40, outputTokens: 2, draftAccepted: 1, draftProposed: 4 });
    expect(bodies.at(-1)).toMatchObject({ model: "coder", stream: true, stream_options: { include_usage: true }, max_tokens: 7, stop: ["END"], prediction: { type: "content", content: "hello" } });
    expect(bodies.at(-1)).not.toHaveProperty("grammar");
  });
});
