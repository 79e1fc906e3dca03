import { describe, expect, it } from "vitest";
import { bearerMatches, hostHeaderAllowed, isLoopbackHost } from "../../src/server/auth.js";
import { HttpError } from "../../src/server/http-error.js";
import { parseChatRequest, parseCompletionRequest } from "../../src/server/openai-request.js";
import { usageOf } from "../../src/server/responses.js";

function status(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof HttpError ? err.status : -1;
  }
  return undefined;
}

describe("parseChatRequest", () => {
  it("maps roles and text parts, prediction, stream options and limits", () => {
    const r = parseChatRequest({
      model: "x",
      messages: [
        { role: "developer", content: "be brief" },
        { role: "user", content: [{ type: "text", text: "fix " }, { type: "text", text: "it" }] },
        { role: "assistant", content: null },
        { role: "tool", content: "ok" },
      ],
      max_completion_tokens: 50,
      max_tokens: 7,
      stop: "END",
      stream: true,
      stream_options: { include_usage: true },
      prediction: { type: "content", content: [{ type: "text", text: "old file" }] },
      user: "alice",
    });
    expect(r.messages).toEqual([
      { role: "system", content: "be brief" },
      { role: "user", content: "fix it" },
      { role: "assistant", content: "" },
      { role: "user", content: "ok" },
    ]);
    expect(r).toMatchObject({ kind: "chat", maxTokens: 50, stop: ["END"], stream: true, includeUsage: true, prediction: "old file", user: "alice", temperature: 0 });
  });

  it("rejects what it cannot honour with a 400", () => {
    expect(status(() => parseChatRequest({ messages: [] }))).toBe(400);
    expect(status(() => parseChatRequest({ messages: [{ role: "user", content: [{ type: "image_url", image_url: {} }] }] }))).toBe(400);
    expect(status(() => parseChatRequest({ messages: [{ role: "user", content: "x" }], n: 2 }))).toBe(400);
    expect(status(() => parseChatRequest({ messages: [{ role: "user", content: "x" }], prediction: { type: "text" } }))).toBe(400);
    expect(status(() => parseChatRequest({ messages: [{ role: "user", content: "x" }], max_tokens: 0 }))).toBe(400);
    expect(status(() => parseChatRequest({ messages: [{ role: "user", content: "x" }], temperature: 3 }))).toBe(400);
    expect(status(() => parseChatRequest([1]))).toBe(400);
  });
});

describe("parseCompletionRequest", () => {
  it("takes a string prompt (or a one-element list)", () => {
    expect(parseCompletionRequest({ prompt: ["abc"], max_tokens: 3 })).toMatchObject({ kind: "completion", prompt: "abc", maxTokens: 3, stream: false });
    expect(status(() => parseCompletionRequest({ prompt: [1, 2] }))).toBe(400);
    expect(status(() => parseCompletionRequest({ prompt: "" }))).toBe(400);
    expect(status(() => parseCompletionRequest({ prompt: "a", echo: true }))).toBe(400);
  });
});

describe("usageOf", () => {
  const stats = { promptTokens: 100, cachedTokens: 80, outputTokens: 30, ttftMs: 5, prefillTps: 1, decodeTps: 2, draftProposed: 25, draftAccepted: 20 };
  it("reports accepted/rejected prediction tokens only for a request with a prediction", () => {
    expect(usageOf(stats, true)).toEqual({
      prompt_tokens: 100,
      completion_tokens: 30,
      total_tokens: 130,
      prompt_tokens_details: { cached_tokens: 80 },
      completion_tokens_details: { reasoning_tokens: 0, accepted_prediction_tokens: 20, rejected_prediction_tokens: 5 },
    });
    expect(usageOf(stats, false).completion_tokens_details).toEqual({ reasoning_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 });
  });
});

describe("auth helpers", () => {
  it("knows loopback hosts", () => {
    for (const h of ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"]) expect(isLoopbackHost(h)).toBe(true);
    for (const h of ["0.0.0.0", "::", "192.168.1.2", "example.com", "10.0.0.1"]) expect(isLoopbackHost(h)).toBe(false);
  });

  it("matches a bearer token exactly", () => {
    expect(bearerMatches("Bearer s3cret", "s3cret")).toBe(true);
    expect(bearerMatches("bearer s3cret", "s3cret")).toBe(true);
    expect(bearerMatches("Bearer s3cre", "s3cret")).toBe(false);
    expect(bearerMatches(undefined, "s3cret")).toBe(false);
    expect(bearerMatches("Basic s3cret", "s3cret")).toBe(false);
  });

  it("allows only loopback Host headers on a keyless server", () => {
    expect(hostHeaderAllowed("127.0.0.1:8080")).toBe(true);
    expect(hostHeaderAllowed("localhost")).toBe(true);
    expect(hostHeaderAllowed("[::1]:9")).toBe(true);
    expect(hostHeaderAllowed("evil.example:8080")).toBe(false);
  });
});
