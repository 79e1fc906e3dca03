import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { unattendedHooks } from "../../src/agent/approval-mode.js";
import type { AgentEvent } from "../../src/agent/events.js";
import { AgentSession, runAgent, type AgentOptions } from "../../src/agent/session.js";
import type { TurnOutcome } from "../../src/agent/turn.js";
import { listCheckpoints } from "../../src/git/index.js";
import { FakeBackend } from "./fake-backend.js";
import { collect, makeRepo } from "./helpers.js";

const kinds = (events: AgentEvent[]): string[] => [...new Set(events.map((e) => e.type))];
const whole = (file: string, content: string): string => `Updating ${file}.\n\n${file}\n\`\`\`\n${content}\`\`\`\n`;

function run(task: string, backend: FakeBackend, root: string, extra: Partial<AgentOptions> = {}): Promise<{ events: AgentEvent[]; outcome: TurnOutcome }> {
  return collect(runAgent(task, { backend, root, ...extra }));
}

describe("questions (ask)", () => {
  it("asks for no edit format, sends no grammar, and applies nothing even when the reply holds edit blocks", async () => {
    const root = makeRepo({ "a.txt": "a\n" });
    const backend = new FakeBackend({ replies: [`It holds "a". Were it mine:\n\n${whole("a.txt", "b\n")}`] });
    const { events, outcome } = await run("what is in a.txt?", backend, root, { targets: ["a.txt"], ask: true });
    expect(kinds(events)).toEqual(["session.start", "context.packed", "model.delta", "stats", "session.end"]);
    expect(outcome).toMatchObject({ status: "ok", exitCode: 0, applied: [], checkpoints: [] });
    expect(readFileSync(path.join(root, "a.txt"), "utf8")).toBe("a\n");
    expect(await listCheckpoints(root)).toEqual([]);
    const req = backend.requests[0];
    expect(req?.grammar).toBeUndefined();
    expect(req?.prediction).toBeUndefined();
    const user = req?.messages[1]?.content ?? "";
    expect(user).toMatch(/# Task\nwhat is in a\.txt\?\n\nEdit only: a\.txt\.\nThis is a question: answer it in prose\. Write no edits; nothing will be applied\.$/);
    expect(user).not.toMatch(/Write edits as/);
  });

  it("a question turn joins the conversation; the next edit turn sees it and may edit", async () => {
    const root = makeRepo({ "a.txt": "a\n" });
    const backend = new FakeBackend({ replies: ["It holds a.\n", whole("a.txt", "b\n")] });
    const session = new AgentSession({ backend, root, targets: ["a.txt"] });
    const asked = await collect(session.turn("what is in it?", { ask: true }));
    expect(asked.outcome.applied).toEqual([]);
    const edited = await collect(session.turn("make it b"));
    expect(edited.outcome.applied.map((f) => f.path)).toEqual(["a.txt"]);
    const second = backend.requests[1]?.messages ?? [];
    expect(second.at(-2)).toEqual({ role: "assistant", content: "It holds a.\n" });
    expect(second.at(-1)?.content).toMatch(/Write edits as whole-file blocks \(way 1\)\.$/);
    expect(readFileSync(path.join(root, "a.txt"), "utf8")).toBe("b\n");
  });
});

describe("approval modes where nobody can answer", () => {
  it("suggest proposes the edit and applies none", async () => {
    const root = makeRepo({ "a.txt": "a\n" });
    const backend = new FakeBackend({ replies: [whole("a.txt", "b\n")] });
    const { events, outcome } = await run("make it b", backend, root, { targets: ["a.txt"], ...unattendedHooks("suggest") });
    expect(kinds(events)).toContain("edit.proposed");
    expect(kinds(events)).not.toContain("edit.applied");
    expect(outcome).toMatchObject({ status: "rejected", exitCode: 0 });
    expect(readFileSync(path.join(root, "a.txt"), "utf8")).toBe("a\n");
  });

  it("auto-edit applies and skips the test command; full runs it", async () => {
    const root = makeRepo({ "a.txt": "a\n" });
    const backend = new FakeBackend({ replies: [whole("a.txt", "b\n")] });
    const edit = await run("make it b", backend, root, { targets: ["a.txt"], testCommand: "exit 3", ...unattendedHooks("auto-edit") });
    expect(edit.outcome).toMatchObject({ status: "ok", exitCode: 0 });
    expect(kinds(edit.events)).not.toContain("test.result");
    expect(readFileSync(path.join(root, "a.txt"), "utf8")).toBe("b\n");
    const asked: string[] = [];
    const full = await run("make it b", new FakeBackend({ replies: [whole("a.txt", "c\n"), "No.\n"] }), root, {
      targets: ["a.txt"],
      testCommand: "exit 3",
      decide: unattendedHooks("full").decide,
      approveCommand: async (command) => {
        asked.push(command);
        return "run";
      },
    });
    expect(asked).toEqual(["exit 3"]);
    expect(full.events.filter((e) => e.type === "test.result")).toHaveLength(1);
  });
});
