import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { AGENT_EVENT_TYPES, type AgentEvent } from "../../src/agent/events.js";
import { eventRecord, JsonlWriter } from "../../src/cli/jsonl-writer.js";
import { TextReporter } from "../../src/cli/text-reporter.js";

const samples: AgentEvent[] = [
  { type: "session.start", model: "m", backend: "local", contextSize: 8192, cwd: "/r" },
  { type: "context.packed", files: 2, tokens: 100, budget: 5000, cachedTokens: 0 },
  { type: "model.delta", text: "a\n" },
  { type: "edit.proposed", path: "a.txt", format: "whole", diff: "--- a/a.txt\n+++ b/a.txt\n" },
  { type: "stats", promptTokens: 1, cachedTokens: 0, outputTokens: 2, ttftMs: 3, prefillTps: 4, decodeTps: 5, draftProposed: 6, draftAccepted: 7 },
  { type: "checkpoint", id: "1" },
  { type: "edit.applied", path: "a.txt", added: 1, removed: 0 },
  { type: "edit.failed", path: "b.txt", reason: "no match" },
  { type: "test.result", command: "npm test", exitCode: 1, output: "boom" },
  { type: "error", message: "bad", code: "task" },
  { type: "session.end", status: "failed", exitCode: 1 },
];

describe("JSONL writer", () => {
  it("writes one JSON object per event with exactly the contract's fields", () => {
    expect(new Set(samples.map((s) => s.type))).toEqual(new Set(AGENT_EVENT_TYPES));
    const out = new PassThrough();
    let text = "";
    out.on("data", (d: Buffer) => (text += d.toString()));
    const w = new JsonlWriter(out);
    for (const s of samples) w.write(s);
    const lines = text.trimEnd().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual(samples);
    const start = { type: "session.start", model: "m", backend: "local", contextSize: 1, cwd: "/", extra: 1 } as const;
    expect(Object.keys(eventRecord(start))).toEqual(["type", "model", "backend", "contextSize", "cwd"]);
  });
});

describe("text reporter", () => {
  it("prints the applied diff on stdout and problems on stderr", () => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = "";
    let err = "";
    stdout.on("data", (d: Buffer) => (out += d.toString()));
    stderr.on("data", (d: Buffer) => (err += d.toString()));
    const r = new TextReporter({ stdout, stderr });
    for (const s of samples) r.event(s);
    expect(out).toBe("--- a/a.txt\n+++ b/a.txt\n");
    expect(err).toBe("spark: edit of b.txt failed: no match\nspark: `npm test` failed (exit 1)\nspark: bad\n");
  });
});
