/**
 * `spark serve` as a real child process on a free loopback port with the successor fixture model
 * (greedy output after byte t is t+1), driven by the official `openai` client.
 */
import { readdirSync, readFileSync, realpathSync } from "node:fs";
import path from "node:path";
import { OpenAI } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureFixtureModel } from "../../fixtures/index.js";
import { spawnServe, type ServeProcess } from "../server/spawn-serve.js";

let server: ServeProcess;
let client: OpenAI;
const modelPath = ensureFixtureModel("successor");

/** What the successor model writes after a chat prompt (which ends in "\n", byte 10). */
const chatAnswer = (n: number): string => String.fromCharCode(...Array.from({ length: n }, (_, i) => 11 + i));
const user = (content: string): OpenAI.ChatCompletionMessageParam[] => [{ role: "user", content }];

beforeAll(async () => {
  server = await spawnServe(["--model", modelPath, "--context", "2048", "--threads", "1", "--sequences", "2"]);
  client = new OpenAI({ baseURL: server.url, apiKey: "unused", maxRetries: 0 });
});
afterAll(async () => {
  expect(await server?.stop()).toBe(0);
});

describe("spark serve: OpenAI-compatible API", () => {
  it("lists its model with the context size and advertises itself in the cache folder", async () => {
    const page = await client.models.list();
    expect(page.data).toHaveLength(1);
    expect(page.data[0]).toMatchObject({ id: modelPath, object: "model", owned_by: "spark", context_length: 2048 });
    const dir = path.join(server.cacheHome, "spark", "servers");
    const files = readdirSync(dir);
    expect(files).toEqual([`${server.child.pid}.json`]);
    const record = JSON.parse(readFileSync(path.join(dir, files[0] ?? ""), "utf8")) as Record<string, unknown>;
    expect(record).toMatchObject({ pid: server.child.pid, url: server.url, modelPath: realpathSync(modelPath), contextSize: 2048, sequences: 2, auth: false });
  });

  it("answers a chat completion with the greedy text and usage", async () => {
    const r = await client.chat.completions.create({ model: "any", messages: user("hi"), max_tokens: 12 });
    expect(r.object).toBe("chat.completion");
    expect(r.choices[0]?.message).toMatchObject({ role: "assistant", content: chatAnswer(12) });
    expect(r.choices[0]?.finish_reason).toBe("length");
    expect(r.usage).toMatchObject({ completion_tokens: 12, total_tokens: (r.usage?.prompt_tokens ?? 0) + 12 });
    expect(r.usage?.prompt_tokens).toBeGreaterThan(10);
    expect(r.usage?.prompt_tokens_details?.cached_tokens).toBeTypeOf("number");
  });

  it("streams the same text as SSE chunks, with usage last when asked", async () => {
    const stream = await client.chat.completions.create({ model: "any", messages: user("hi"), max_tokens: 12, stream: true, stream_options: { include_usage: true } });
    let text = "";
    let contentChunks = 0;
    let finish: string | null | undefined;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      if (choice?.delta.content) {
        text += choice.delta.content;
        contentChunks++;
      }
      if (choice?.finish_reason) finish = choice.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(chatAnswer(12));
    expect(contentChunks).toBeGreaterThan(1);
    expect(finish).toBe("length");
    expect(usage).toMatchObject({ completion_tokens: 12 });
  });

  it("serves /v1/completions, streaming and not", async () => {
    const whole = await client.completions.create({ model: "any", prompt: "abc", max_tokens: 5 });
    expect(whole.choices[0]).toMatchObject({ text: "defgh", finish_reason: "length" });
    expect(whole.usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 5, total_tokens: 8 });
    const stream = await client.completions.create({ model: "any", prompt: "abc", max_tokens: 5, stream: true });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.text ?? "";
    expect(text).toBe("defgh");
  });

  it("stops at end-of-generation unless ignore_eos (llama-server's extension) is set", async () => {
    const natural = await client.completions.create({ model: "any", prompt: "a", max_tokens: 300 });
    expect(natural.choices[0]?.finish_reason).toBe("stop");
    expect(natural.usage?.completion_tokens).toBe(255 - 97);
    const forced = await client.completions.create({ model: "any", prompt: "a", max_tokens: 300, ignore_eos: true } as OpenAI.CompletionCreateParamsNonStreaming);
    expect(forced.choices[0]?.finish_reason).toBe("length");
    expect(forced.usage?.completion_tokens).toBe(300);
  });

  it("uses a prediction as speculative drafts and reports accepted and rejected prediction tokens", async () => {
    const exact = await client.chat.completions.create({ model: "any", messages: user("predict"), max_tokens: 40, prediction: { type: "content", content: chatAnswer(40) } });
    expect(exact.choices[0]?.message.content).toBe(chatAnswer(40));
    const details = exact.usage?.completion_tokens_details;
    // How many drafts a step sends is priced on the step costs measured so far (this machine, its
    // load), so only that a right prediction is used and never rejected holds everywhere.
    expect(details?.accepted_prediction_tokens).toBeGreaterThan(0);
    expect(details?.rejected_prediction_tokens).toBe(0);

    // The prediction goes wrong after 10 characters: drafts help up to there, output unchanged.
    // (Whether a wrong draft is sent at all is the same priced choice: rejections are counted, not required.)
    const wrong = await client.chat.completions.create({ model: "any", messages: user("predict!"), max_tokens: 40, prediction: { type: "content", content: `${chatAnswer(10)}${"xyz".repeat(10)}` } });
    expect(wrong.choices[0]?.message.content).toBe(chatAnswer(40));
    const w = wrong.usage?.completion_tokens_details;
    expect(w?.accepted_prediction_tokens).toBeGreaterThan(0);
    expect(w?.accepted_prediction_tokens).toBeLessThanOrEqual(10);
    const timings = (wrong as unknown as { timings: { draft_n: number; draft_n_accepted: number } }).timings;
    expect((w?.accepted_prediction_tokens ?? 0) + (w?.rejected_prediction_tokens ?? 0)).toBe(timings.draft_n);
    expect(w?.accepted_prediction_tokens).toBe(timings.draft_n_accepted);

    // Without a prediction, OpenAI reports none.
    const none = await client.chat.completions.create({ model: "any", messages: user("predict"), max_tokens: 5 });
    expect(none.usage?.completion_tokens_details).toMatchObject({ accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 });
  });

  it("a second request sharing a prefix reports it as cached tokens", async () => {
    const system = { role: "system" as const, content: "You edit the repository below.\n".repeat(20) };
    const first = await client.chat.completions.create({ model: "any", messages: [system, { role: "user", content: "first" }], max_tokens: 4 });
    const second = await client.chat.completions.create({ model: "any", messages: [system, { role: "user", content: "second" }], max_tokens: 4 });
    // Only the chat template's opening tokens can be shared with earlier requests.
    expect(first.usage?.prompt_tokens_details?.cached_tokens).toBeLessThan(20);
    expect(second.usage?.prompt_tokens_details?.cached_tokens).toBeGreaterThanOrEqual(system.content.length);
  });

  it("serves a repeated prompt from its cache even when the answer it holds is longer than the prompt", async () => {
    const prompt = "the same file and task ".repeat(6);
    const ask = async (): Promise<number> => {
      const r = await client.completions.create({ model: "any", prompt, max_tokens: 400, ignore_eos: true } as OpenAI.CompletionCreateParamsNonStreaming);
      return r.usage?.prompt_tokens_details?.cached_tokens ?? (r as unknown as { timings: { cache_n: number } }).timings.cache_n;
    };
    await ask();
    // Everything but the last prompt token, which is evaluated again for its logits.
    expect(await ask()).toBe(prompt.length - 1);
    expect(await ask()).toBe(prompt.length - 1);
  });

  it("keeps two clients on two repos in separate sequences: neither evicts the other", async () => {
    const repo = (name: string): OpenAI.ChatCompletionMessageParam => ({ role: "system", content: `repository ${name}: ${`${name} `.repeat(150)}` });
    const ask = async (name: string, q: string): Promise<number> => {
      const r = await client.chat.completions.create({ model: "any", messages: [repo(name), { role: "user", content: q }], max_tokens: 3 });
      return r.usage?.prompt_tokens_details?.cached_tokens ?? -1;
    };
    expect(await ask("alpha", "q1")).toBeLessThan(30);
    expect(await ask("beta", "q1")).toBeLessThan(30);
    for (const q of ["q2", "q3"]) {
      expect(await ask("alpha", q)).toBeGreaterThan(600);
      expect(await ask("beta", q)).toBeGreaterThan(600);
    }
  });

  it("counts tokens exactly on /spark/tokenize", async () => {
    const res = await fetch(`http://127.0.0.1:${server.port}/spark/tokenize`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ content: "héllo" }) });
    expect(await res.json()).toEqual({ count: 6 });
  });

  it("keeps answering /health while a huge text is tokenized, and still counts it exactly", async () => {
    const { request } = await import("node:http");
    const post = (body: string, onSent: () => void): Promise<{ status: number; count: number }> =>
      new Promise((resolve, reject) => {
        const req = request(
          { host: "127.0.0.1", port: server.port, path: "/spark/tokenize", method: "POST", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
          (res) => {
            let text = "";
            res.on("data", (b: Buffer) => (text += b.toString()));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, count: (JSON.parse(text) as { count: number }).count }));
          },
        );
        req.on("error", reject);
        req.end(body, onSent);
      });
    const small = await post(JSON.stringify({ content: "word ".repeat(1000) }), () => undefined);
    // 4 MB: tokenized in one go it held the event loop for seconds.
    let sent = false;
    let done = false;
    const huge = post(JSON.stringify({ content: "word ".repeat(800_000) }), () => (sent = true)).finally(() => (done = true));
    let answered = 0;
    // Back to back, each request when the last is answered: counts /health answers while it runs.
    while (!done) {
      const health = await fetch(`http://127.0.0.1:${server.port}/health`);
      expect(health.status).toBe(200);
      if (sent && !done) answered++;
    }
    expect(await huge).toEqual({ status: 200, count: small.count * 800 });
    expect(answered).toBeGreaterThanOrEqual(10);
    // A prompt that long cannot fit: refused once a few slices say so.
    const tooLong = await client.completions.create({ model: "any", prompt: "word ".repeat(1_600_000), max_tokens: 1 }).catch((e: unknown) => e);
    expect(tooLong).toMatchObject({ status: 400, code: "context_length_exceeded" });
  });

  it("answers errors as OpenAI does: unknown route 404, not JSON 415, bad request 400, foreign Host 403", async () => {
    const base = `http://127.0.0.1:${server.port}`;
    expect((await fetch(`${base}/v1/nothing`)).status).toBe(404);
    const form = await fetch(`${base}/v1/chat/completions`, { method: "POST", headers: { "content-type": "text/plain" }, body: "{}" });
    expect(form.status).toBe(415);
    const bad = await client.chat.completions.create({ model: "any", messages: [] }).catch((e: unknown) => e);
    expect(bad).toMatchObject({ status: 400, error: { type: "invalid_request_error" } });
    const tooLong = await client.completions.create({ model: "any", prompt: "x".repeat(3000) }).catch((e: unknown) => e);
    expect(tooLong).toMatchObject({ status: 400, code: "context_length_exceeded" });
    const rebound = await new Promise<number>((resolve, reject) => {
      import("node:http").then(({ request }) => {
        const req = request({ host: "127.0.0.1", port: server.port, path: "/v1/models", headers: { host: "attacker.example" } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on("error", reject);
        req.end();
      }, reject);
    });
    expect(rebound).toBe(403);
  });

  it("answers 400, not 500, to an invalid grammar and to sampling values out of range, and keeps serving", async () => {
    const badGrammar = await client.chat.completions.create({ model: "any", messages: user("hi"), max_tokens: 2, grammar: "root ::= (" } as OpenAI.ChatCompletionCreateParamsNonStreaming).catch((e: unknown) => e);
    expect(badGrammar).toMatchObject({ status: 400, code: "invalid_grammar", error: { type: "invalid_request_error" } });
    const badTopP = await client.chat.completions.create({ model: "any", messages: user("hi"), max_tokens: 2, top_p: 5 }).catch((e: unknown) => e);
    expect(badTopP).toMatchObject({ status: 400, error: { type: "invalid_request_error", message: "top_p must be a number from 0 to 1" } });
    const ok = await client.chat.completions.create({ model: "any", messages: user("hi"), max_tokens: 2, top_p: 0.9, grammar: 'root ::= "ab"' } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    expect(ok.choices[0]?.message.content).toBe("ab");
  });
});
