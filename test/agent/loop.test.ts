import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { AgentEvent } from "../../src/agent/events.js";
import { AgentSession, runAgent, type AgentOptions } from "../../src/agent/session.js";
import type { TurnOutcome } from "../../src/agent/turn.js";
import { listCheckpoints } from "../../src/git/index.js";
import { FakeBackend } from "./fake-backend.js";
import { collect, makeRepo } from "./helpers.js";

const types = (events: AgentEvent[]): string[] => events.map((e) => e.type).filter((t, i, a) => t !== "model.delta" || a[i - 1] !== "model.delta");

const whole = (file: string, content: string): string => `Updating ${file}.\n\n${file}\n\`\`\`\n${content}\`\`\`\n`;
const sr = (file: string, search: string, replace: string): string =>
  `Fixing it.\n\n${file}\n<<<<<<< SEARCH\n${search}=======\n${replace}>>>>>>> REPLACE\n`;

function run(task: string, backend: FakeBackend, root: string, extra: Partial<AgentOptions> = {}): Promise<{ events: AgentEvent[]; outcome: TurnOutcome }> {
  return collect(runAgent(task, { backend, root, ...extra }));
}

describe("agent loop", () => {
  it("streams, checkpoints and applies a whole-file edit, in the contract's order", async () => {
    const root = makeRepo({ "greet.txt": "hello\n", "other.txt": "x\n" });
    const backend = new FakeBackend({ replies: [whole("greet.txt", "hello world\n")] });
    const { events, outcome } = await run("say hello world", backend, root, { targets: ["greet.txt"] });
    expect(types(events)).toEqual(["session.start", "context.packed", "model.delta", "edit.proposed", "stats", "checkpoint", "edit.applied", "session.end"]);
    expect(outcome).toMatchObject({ status: "ok", exitCode: 0 });
    expect(readFileSync(path.join(root, "greet.txt"), "utf8")).toBe("hello world\n");
    const proposed = events.find((e) => e.type === "edit.proposed");
    expect(proposed).toMatchObject({ path: "greet.txt", format: "whole" });
    expect(proposed?.type === "edit.proposed" && proposed.diff).toContain("+hello world");
    expect(events.find((e) => e.type === "edit.applied")).toEqual({ type: "edit.applied", path: "greet.txt", added: 1, removed: 1 });
    const cps = await listCheckpoints(root);
    expect(cps[0]?.files).toEqual(["greet.txt"]);
    expect(events.find((e) => e.type === "checkpoint")).toEqual({ type: "checkpoint", id: cps[0]?.id });
    // The prompt: fixed system text, then the repo with the target last, then the task.
    const req = backend.requests[0];
    expect(req?.messages[0]?.role).toBe("system");
    const user = req?.messages[1]?.content ?? "";
    expect(user.indexOf("other.txt\n```")).toBeLessThan(user.indexOf("greet.txt\n```"));
    expect(user).toMatch(/# Task\nsay hello world\n\nEdit only: greet\.txt\.\nWrite edits as whole-file blocks/);
    expect(req?.grammar).toBeDefined();
    expect(req?.prediction).toContain("hello\n");
    expect(req?.editFormat).toBe("whole");
  });

  it("feeds a failed match back and applies the retry, nothing partial in between", async () => {
    const root = makeRepo({ "a.txt": "one\ntwo\nthree\n", "b.txt": "bee\n" });
    const bad = sr("a.txt", "two\n", "2\n") + sr("b.txt", "wasp\n", "hornet\n");
    const good = sr("a.txt", "two\n", "2\n") + sr("b.txt", "bee\n", "hornet\n");
    const backend = new FakeBackend({ replies: [bad, good] });
    const seenBetween: string[] = [];
    const { events, outcome } = await run("rename", backend, root, {
      effects: {
        runTest: async () => ({ exitCode: 0, output: "" }),
      },
      decide: async () => {
        seenBetween.push(readFileSync(path.join(root, "a.txt"), "utf8"));
        return "apply";
      },
    });
    expect(outcome.exitCode).toBe(0);
    const failed = events.filter((e) => e.type === "edit.failed");
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ path: "b.txt" });
    expect(seenBetween).toEqual(["one\ntwo\nthree\n"]); // first reply applied nothing
    expect(readFileSync(path.join(root, "a.txt"), "utf8")).toBe("one\n2\nthree\n");
    expect(readFileSync(path.join(root, "b.txt"), "utf8")).toBe("hornet\n");
    const retry = backend.requests[1]?.messages ?? [];
    expect(retry.at(-2)).toEqual({ role: "assistant", content: bad });
    expect(retry.at(-1)?.content).toMatch(/SEARCH text for b\.txt is not in the file[\s\S]*resend all edits/);
    expect(events.filter((e) => e.type === "checkpoint")).toHaveLength(1);
  });

  it("gives up after three retries with exit 1 and changes nothing", async () => {
    const root = makeRepo({ "a.txt": "one\n" });
    const backend = new FakeBackend({ replies: [sr("a.txt", "zzz\n", "y\n")] });
    const { events, outcome } = await run("x", backend, root);
    expect(outcome).toMatchObject({ status: "failed", exitCode: 1 });
    expect(backend.requests).toHaveLength(4);
    expect(events.some((e) => e.type === "checkpoint")).toBe(false);
    expect(events.at(-2)).toMatchObject({ type: "error", code: "task" });
    expect(events.at(-1)).toEqual({ type: "session.end", status: "failed", exitCode: 1 });
    expect(readFileSync(path.join(root, "a.txt"), "utf8")).toBe("one\n");
  });

  it("refuses edits outside the named files and feeds that back", async () => {
    const root = makeRepo({ "a.txt": "a\n", "b.txt": "b\n" });
    const backend = new FakeBackend({ replies: [whole("b.txt", "B\n"), whole("a.txt", "A\n")] });
    const { events, outcome } = await run("capitalise", backend, root, { targets: ["a.txt"] });
    expect(outcome.exitCode).toBe(0);
    expect(events.find((e) => e.type === "edit.failed")).toMatchObject({ path: "b.txt", reason: expect.stringContaining("outside the edit scope") });
    expect(backend.requests[1]?.messages.at(-1)?.content).toContain("You may only edit a.txt");
    expect(readFileSync(path.join(root, "b.txt"), "utf8")).toBe("b\n");
    expect(readFileSync(path.join(root, "a.txt"), "utf8")).toBe("A\n");
  });

  it("allows any file with anyFile", async () => {
    const root = makeRepo({ "a.txt": "a\n", "b.txt": "b\n" });
    const backend = new FakeBackend({ replies: [whole("b.txt", "B\n")] });
    const { outcome } = await run("capitalise", backend, root, { targets: ["a.txt"], anyFile: true });
    expect(outcome.exitCode).toBe(0);
    expect(readFileSync(path.join(root, "b.txt"), "utf8")).toBe("B\n");
  });

  it("runs --test after edits, feeds the failure back, and stops on success", async () => {
    const root = makeRepo({ "v.txt": "bad\n" });
    const backend = new FakeBackend({ replies: [whole("v.txt", "still bad\n"), whole("v.txt", "good\n")] });
    const { events, outcome } = await run("make it good", backend, root, { targets: ["v.txt"], testCommand: "grep -q '^good$' v.txt || { echo 'v.txt is not good'; exit 3; }" });
    expect(outcome.exitCode).toBe(0);
    const tests = events.filter((e) => e.type === "test.result");
    expect(tests.map((t) => t.type === "test.result" && t.exitCode)).toEqual([3, 0]);
    expect(backend.requests).toHaveLength(2);
    expect(backend.requests[1]?.messages.at(-1)?.content).toMatch(/failed with exit code 3:\n```\nv\.txt is not good\n```/);
    expect(events.filter((e) => e.type === "checkpoint")).toHaveLength(2);
  });

  it("ends with exit 1 when --test keeps failing", async () => {
    const root = makeRepo({ "v.txt": "bad\n" });
    let n = 0;
    const backend = new FakeBackend({ replies: [whole("v.txt", "try 1\n"), whole("v.txt", "try 2\n"), whole("v.txt", "try 3\n"), whole("v.txt", "try 4\n")] });
    const { outcome } = await run("x", backend, root, {
      targets: ["v.txt"],
      testCommand: "false",
      effects: { runTest: async () => ({ exitCode: 1, output: `run ${++n}` }) },
    });
    expect(outcome).toMatchObject({ status: "failed", exitCode: 1 });
    expect(n).toBe(4);
  });

  it("applies nothing and ends interrupted when aborted mid-stream", async () => {
    const root = makeRepo({ "a.txt": "a\n" });
    const controller = new AbortController();
    const backend = new FakeBackend({
      replies: [whole("a.txt", "changed\n".repeat(20))],
      afterFirstChunk: async () => controller.abort(),
    });
    const { events, outcome } = await run("x", backend, root, { signal: controller.signal });
    expect(outcome).toMatchObject({ status: "interrupted", exitCode: 130 });
    expect(events.some((e) => e.type === "checkpoint" || e.type === "edit.applied")).toBe(false);
    expect(events.at(-1)).toEqual({ type: "session.end", status: "interrupted", exitCode: 130 });
    expect(readFileSync(path.join(root, "a.txt"), "utf8")).toBe("a\n");
  });

  it("asks the approval hook and applies nothing on reject", async () => {
    const root = makeRepo({ "a.txt": "a\n" });
    const backend = new FakeBackend({ replies: [whole("a.txt", "b\n")] });
    let asked = 0;
    const { outcome } = await run("x", backend, root, {
      targets: ["a.txt"],
      decide: async (p) => {
        asked++;
        expect(p.files).toMatchObject([{ path: "a.txt", added: 1, removed: 1 }]);
        return "reject";
      },
    });
    expect(asked).toBe(1);
    expect(outcome).toMatchObject({ status: "rejected", exitCode: 0 });
    expect(readFileSync(path.join(root, "a.txt"), "utf8")).toBe("a\n");
  });

  it("treats a reply without edits as an answer", async () => {
    const root = makeRepo({ "a.txt": "a\n" });
    const backend = new FakeBackend({ replies: ["It prints a.\n"] });
    const { events, outcome } = await run("what does it print?", backend, root);
    expect(outcome).toMatchObject({ status: "ok", exitCode: 0, applied: [] });
    expect(types(events)).toEqual(["session.start", "context.packed", "model.delta", "stats", "session.end"]);
  });

  it("asks for search/replace blocks for large files", async () => {
    const big = Array.from({ length: 200 }, (_, i) => `line ${i}`).join("\n") + "\n";
    const root = makeRepo({ "big.txt": big });
    const backend = new FakeBackend({ replies: [sr("big.txt", "line 7\n", "line seven\n")] });
    const { events, outcome } = await run("spell out 7", backend, root, { targets: ["big.txt"] });
    expect(outcome.exitCode).toBe(0);
    expect(events.find((e) => e.type === "edit.proposed")).toMatchObject({ format: "search-replace" });
    expect(backend.requests[0]?.messages[1]?.content).toMatch(/SEARCH\/REPLACE blocks \(way 2\)\.$/);
    // The engine drafts along the blocks' structure when told the format.
    expect(backend.requests[0]?.editFormat).toBe("search-replace");
  });

  it("appends later turns to the conversation verbatim, showing files that changed", async () => {
    const root = makeRepo({ "a.txt": "a\n", "b.txt": "b\n" });
    const backend = new FakeBackend({ replies: [whole("a.txt", "A\n"), "ok\n"] });
    const session = new AgentSession({ backend, root, targets: ["a.txt"] });
    const first = await collect(session.turn("capitalise"));
    expect(first.outcome.exitCode).toBe(0);
    const second = await collect(session.turn("and now?"));
    const r1 = backend.requests[0]?.messages ?? [];
    const r2 = backend.requests[1]?.messages ?? [];
    expect(r2.slice(0, r1.length)).toEqual(r1);
    expect(r2[r1.length]).toEqual({ role: "assistant", content: whole("a.txt", "A\n") });
    // a.txt changed by our own edit: the model wrote it, so it is not shown again.
    expect(r2.at(-1)?.content).toMatch(/^# Task\nand now\?/);
    const packed = second.events.find((e) => e.type === "context.packed");
    expect(packed?.type === "context.packed" && packed.cachedTokens).toBeGreaterThan(0);
  });

  it("--continue resumes the last conversation from the cache folder", async () => {
    const root = makeRepo({ "a.txt": "a\n", "b.txt": "b\n" });
    const cacheDir = mkdtempSync(path.join(os.tmpdir(), "spark-cache-"));
    const one = new FakeBackend({ replies: [whole("a.txt", "A\n")] });
    await run("capitalise", one, root, { cacheDir, targets: ["a.txt"] });
    // Someone edits b.txt by hand between runs.
    const { writeFileSync } = await import("node:fs");
    writeFileSync(path.join(root, "b.txt"), "bee\n");
    const two = new FakeBackend({ replies: [whole("a.txt", "AA\n")] });
    const { outcome } = await run("double it", two, root, { cacheDir, continueLast: true });
    expect(outcome.exitCode).toBe(0);
    const r1 = one.requests[0]?.messages ?? [];
    const r2 = two.requests[0]?.messages ?? [];
    expect(r2.slice(0, r1.length)).toEqual(r1);
    expect(r2.at(-1)?.content).toContain("These files changed since you last saw them:\n\nb.txt\n```\nbee\n```");
    expect(r2.at(-1)?.content).toContain("Edit only: a.txt."); // the scope carries over
    expect(readFileSync(path.join(root, "a.txt"), "utf8")).toBe("AA\n");
  });

  it("takes a per-turn signal and test command, and the session survives a cancelled turn", async () => {
    const root = makeRepo({ "a.txt": "a\n" });
    const backend = new FakeBackend({ replies: [whole("a.txt", "b\n"), whole("a.txt", "c\n")] });
    const session = new AgentSession({ backend, root, targets: ["a.txt"] });
    const cancelled = new AbortController();
    cancelled.abort();
    const first = await collect(session.turn("x", { signal: cancelled.signal }));
    expect(first.outcome.status).toBe("interrupted");
    expect(readFileSync(path.join(root, "a.txt"), "utf8")).toBe("a\n");
    const second = await collect(session.turn("y", { testCommand: "grep -q c a.txt" }));
    expect(second.outcome).toMatchObject({ status: "ok", exitCode: 0 });
    // The cancelled turn never reached the model, so this turn got the first reply ("b"), failed the
    // test, and passed with the second.
    expect(second.events.filter((e) => e.type === "test.result").map((e) => e.type === "test.result" && e.exitCode)).toEqual([1, 0]);
  });
});
