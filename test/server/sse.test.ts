import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { SseWriter } from "../../src/server/sse.js";

/** A server whose one stream stays silent until a heartbeat went out, then sends one chunk. */
function silentThenChunk(): Promise<{ server: Server; url: string }> {
  const server = createServer((_req, res: ServerResponse) => {
    const write = res.write.bind(res) as (chunk: string) => boolean;
    let pinged: () => void = () => {};
    const ping = new Promise<void>((resolve) => (pinged = resolve));
    (res as unknown as { write: (chunk: string) => boolean }).write = (chunk: string) => {
      if (chunk.startsWith(":")) pinged();
      return write(chunk);
    };
    const sse = new SseWriter(res, 20);
    sse.open();
    void ping.then(async () => {
      await sse.send({ id: "c1", object: "chat.completion.chunk", created: 0, model: "m", choices: [{ index: 0, delta: { role: "assistant", content: "after the wait" }, finish_reason: null }] });
      await sse.send({ id: "c1", object: "chat.completion.chunk", created: 0, model: "m", choices: [{ index: 0, delta: {}, finish_reason: "stop" }] });
      sse.done();
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

describe("SseWriter heartbeat", () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  it("keeps a silent stream alive with comment lines that clients skip", async () => {
    const started = await silentThenChunk();
    server = started.server;
    const raw = await (await fetch(`${started.url}/v1/chat/completions`, { method: "POST" })).text();
    expect(raw).toMatch(/^: ping\n\n/);
    expect(raw.endsWith("data: [DONE]\n\n")).toBe(true);

    const client = new OpenAI({ baseURL: `${started.url}/v1`, apiKey: "k", maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: "m", messages: [{ role: "user", content: "hi" }], stream: true });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toBe("after the wait");
  });
});
