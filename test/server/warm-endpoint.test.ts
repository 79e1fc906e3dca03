/**
 * `POST /spark/warm` over real HTTP on 127.0.0.1 (successor fixture): the server prefills the
 * prefix in the background, and the next request that continues it finds it cached.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Backend, ChatMessage, GenerationStats } from "../../src/inference/backend.js";
import type { LocalEngine } from "../../src/inference/engine.js";
import { openHttpBackend } from "../../src/inference/http-backend.js";
import { startServer, type SparkServer } from "../../src/server/http-server.js";
import { ModelService } from "../../src/server/model-service.js";
import { openSuccessor } from "../inference/helpers.js";

let engine: LocalEngine;
let server: SparkServer;
const logWaiters: { re: RegExp; resolve: (l: string) => void }[] = [];

beforeAll(async () => {
  engine = await openSuccessor({ sequences: 2 });
  server = await startServer({
    service: new ModelService({ engine, env: {} }),
    modelName: "successor",
    port: 0,
    apiKey: "k",
    log: (line) => {
      for (const w of [...logWaiters]) if (w.re.test(line)) w.resolve(line);
    },
  });
});
afterAll(async () => {
  await server?.shutdown();
  await engine?.dispose();
});

const system: ChatMessage = { role: "system", content: "You are a test." };

async function statsOf(backend: Backend, messages: ChatMessage[]): Promise<GenerationStats | undefined> {
  let stats: GenerationStats | undefined;
  for await (const c of backend.generate({ messages, maxTokens: 4 })) if (c.type === "stats") stats = c.stats;
  return stats;
}

function post(body: unknown, key = "k"): Promise<Response> {
  return fetch(`http://127.0.0.1:${server.port}/spark/warm`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${key}` }, body: JSON.stringify(body) });
}

describe("POST /spark/warm", () => {
  it("answers 202 at once, warms in the background; the next request finds the prefix cached", async () => {
    const repo = "export const one = 1;\n".repeat(30);
    const warmed = new Promise<string>((resolve) => logWaiters.push({ re: /^warm · /, resolve }));
    const res = await post({ messages: [system, { role: "user", content: repo }], user: "repo-a" });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { object: string; prompt_tokens: number; sequence: number };
    expect(body).toMatchObject({ object: "spark.warm" });
    expect(body.prompt_tokens).toBeGreaterThan(repo.length);
    expect(await warmed).toMatch(new RegExp(`prefix ${body.prompt_tokens} · cached ${body.prompt_tokens} · `));
    const backend = await openHttpBackend({ endpoint: server.url, apiKey: "k" });
    const stats = await statsOf(backend, [system, { role: "user", content: `${repo}# Task\nadd two` }]);
    expect(stats?.cachedTokens).toBeGreaterThanOrEqual(body.prompt_tokens);
  });

  it("the HTTP backend's warm waits for the server and reports what is cached", async () => {
    const backend = await openHttpBackend({ endpoint: server.url, apiKey: "k" });
    expect(backend.warm).toBeDefined();
    const repo = "export const two = 2;\n".repeat(40);
    const result = await backend.warm?.({ messages: [system, { role: "user", content: repo }] });
    expect(result?.complete).toBe(true);
    expect(result?.cachedTokens).toBe(result?.promptTokens);
    const stats = await statsOf(backend, [system, { role: "user", content: `${repo}# Task\nadd three` }]);
    expect(stats?.cachedTokens).toBeGreaterThanOrEqual(result?.promptTokens ?? Infinity);
  });

  it("refuses bad bodies (400) and requests without the key (401)", async () => {
    expect((await post({ messages: [] })).status).toBe(400);
    expect((await post({ messages: [system], wait: "yes" })).status).toBe(400);
    expect((await post({ messages: [system] }, "nope")).status).toBe(401);
  });
});
