import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { conversationsDir } from "../../src/agent/conversation.js";
import { KEEP_CONVERSATIONS, listConversations, loadConversation, saveConversation, type StoredConversation } from "../../src/agent/conversation-store.js";
import type { AgentEvent } from "../../src/agent/events.js";
import { AgentSession } from "../../src/agent/session.js";
import type { TurnOutcome } from "../../src/agent/turn.js";
import { FakeBackend } from "./fake-backend.js";
import { collect, makeRepo } from "./helpers.js";

async function drain(gen: AsyncGenerator<AgentEvent, TurnOutcome>): Promise<TurnOutcome> {
  return (await collect(gen)).outcome;
}

const whole = (file: string, content: string): string => `Updating ${file}.\n\n${file}\n\`\`\`\n${content}\`\`\`\n`;
const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), "spark-conv-"));

function stored(over: Partial<StoredConversation>): StoredConversation {
  return {
    version: 2,
    id: "00000000",
    root: "/repo",
    model: "m",
    messages: [{ role: "user", content: "hi" }],
    seen: {},
    scope: [],
    tasks: ["hi"],
    files: [],
    createdAt: "2025-01-01T00:00:00.000Z",
    updatedAt: "2025-01-01T00:00:00.000Z",
    ...over,
  };
}

describe("conversation store", () => {
  it("lists a repo's conversations newest first with their first message, turns and files; loads one by id or unique prefix", async () => {
    const dir = tmp();
    await saveConversation(dir, stored({ id: "aaaa0001", tasks: ["fix the parser", "and the tests"], files: ["src/p.ts"], updatedAt: "2025-01-02T00:00:00.000Z" }));
    await saveConversation(dir, stored({ id: "bbbb0002", tasks: ["what is this?"], updatedAt: "2025-01-03T00:00:00.000Z" }));
    await saveConversation(dir, stored({ id: "cccc0003", root: "/other" }));
    const list = await listConversations(dir, "/repo");
    expect(list.map((c) => [c.id, c.firstMessage, c.turns, c.files])).toEqual([
      ["bbbb0002", "what is this?", 1, []],
      ["aaaa0001", "fix the parser", 2, ["src/p.ts"]],
    ]);
    expect((await loadConversation(dir, "/repo"))?.id).toBe("bbbb0002");
    expect((await loadConversation(dir, "/repo", "aaaa"))?.tasks).toEqual(["fix the parser", "and the tests"]);
    expect(await loadConversation(dir, "/repo", "cccc0003")).toBeUndefined();
    expect(await loadConversation(dir, "/repo", "zz")).toBeUndefined();
  });

  it("keeps the newest KEEP_CONVERSATIONS, and --continue still reads wave 1's single file", async () => {
    const dir = tmp();
    for (let i = 0; i <= KEEP_CONVERSATIONS; i++) {
      await saveConversation(dir, stored({ id: i.toString(16).padStart(8, "0"), updatedAt: new Date(Date.UTC(2025, 0, 1, 0, i)).toISOString() }));
    }
    const list = await listConversations(dir, "/repo");
    expect(list).toHaveLength(KEEP_CONVERSATIONS);
    expect(list.at(-1)?.id).toBe("00000001");

    const legacyDir = tmp();
    const hash = createHash("sha256").update("/legacy").digest("hex").slice(0, 16);
    mkdirSync(legacyDir, { recursive: true });
    writeFileSync(path.join(legacyDir, `${hash}.json`), JSON.stringify({ version: 1, root: "/legacy", model: "m", messages: [{ role: "user", content: "old" }], seen: {}, scope: [], updatedAt: "2024-01-01T00:00:00.000Z" }));
    expect((await loadConversation(legacyDir, "/legacy"))?.messages).toEqual([{ role: "user", content: "old" }]);
  });
});

describe("session conversations", () => {
  it("resumes a chosen conversation by id, and an unknown id ends the turn with a usage error", async () => {
    const root = makeRepo({ "a.txt": "a\n" });
    const cacheDir = tmp();
    const first = new AgentSession({ backend: new FakeBackend({ replies: ["One.\n"] }), root, cacheDir });
    await drain(first.turn("first question", { label: "first question" }));
    const second = new AgentSession({ backend: new FakeBackend({ replies: ["Two.\n"] }), root, cacheDir });
    await drain(second.turn("second question"));
    expect((await listConversations(conversationsDir(cacheDir), root)).map((c) => c.firstMessage)).toEqual(["second question", "first question"]);

    const backend = new FakeBackend({ replies: ["Three.\n"] });
    const resumed = new AgentSession({ backend, root, cacheDir, resume: first.conversationId });
    await drain(resumed.turn("and then?"));
    expect(resumed.conversationId).toBe(first.conversationId);
    const sent = backend.requests[0]?.messages ?? [];
    expect(sent.at(-2)).toEqual({ role: "assistant", content: "One.\n" });
    const list = await listConversations(conversationsDir(cacheDir), root);
    expect(list[0]).toMatchObject({ id: first.conversationId, firstMessage: "first question", turns: 2 });

    const missing = new AgentSession({ backend, root, cacheDir, resume: "ffffffff" });
    const outcome = await drain(missing.turn("x"));
    expect(outcome).toMatchObject({ status: "error", exitCode: 2, error: { message: "no conversation ffffffff in this repository (spark --resume lists them)" } });
  });

  it("rewinds the conversation to before a turn; the next turn continues from there", async () => {
    const root = makeRepo({ "a.txt": "a\n" });
    const backend = new FakeBackend({ replies: ["One.\n", "Two.\n", "Three.\n"] });
    const session = new AgentSession({ backend, root });
    await drain(session.turn("first"));
    await drain(session.turn("second"));
    expect(session.turnCount).toBe(2);
    await session.rewind(1);
    expect(session.turnCount).toBe(1);
    await drain(session.turn("second, again"));
    const third = backend.requests[2]?.messages ?? [];
    expect(third.map((m) => m.role)).toEqual(["system", "user", "assistant", "user"]);
    expect(third.at(-1)?.content).toMatch(/# Task\nsecond, again/);
    expect(JSON.stringify(third)).not.toContain("Two.");
    // Rewinding to the first turn starts afresh: the next turn packs the repository again.
    await session.rewind(0);
    await drain(session.turn("from scratch"));
    expect(backend.requests[3]?.messages.map((m) => m.role)).toEqual(["system", "user"]);
  });

  it("shows a focus file the model has not seen before the task, once; packs it as a target on a fresh conversation", async () => {
    const root = makeRepo({ "a.txt": "a\n" });
    const backend = new FakeBackend({ replies: ["Ok.\n"] });
    const session = new AgentSession({ backend, root, anyFile: true });
    await drain(session.turn("hello"));
    // Written after the repository was packed: the model has never seen it.
    writeFileSync(path.join(root, "notes.md"), "remember the milk\n");
    await drain(session.turn("what does @notes.md say?", { focus: ["notes.md", "a.txt"] }));
    expect(backend.requests[1]?.messages.at(-1)?.content).toMatch(/^The files in focus for this task:\n\nnotes\.md\n```\nremember the milk\n```\n\n# Task\nwhat does @notes\.md say\?/);
    await drain(session.turn("again @notes.md", { focus: ["notes.md"] }));
    expect(backend.requests[2]?.messages.at(-1)?.content).toMatch(/^# Task\nagain @notes\.md/);

    const fresh = new FakeBackend({ replies: ["Ok.\n"] });
    await drain(new AgentSession({ backend: fresh, root, anyFile: true }).turn("look at @notes.md", { focus: ["notes.md"] }));
    const user = fresh.requests[0]?.messages[1]?.content ?? "";
    // Packed as a target: in full, after the other files.
    expect(user.indexOf("notes.md\n```\nremember the milk\n```")).toBeGreaterThan(user.indexOf("a.txt\n```"));
    expect(readFileSync(path.join(root, "a.txt"), "utf8")).toBe("a\n");
  });

  it("records the files its edits touched", async () => {
    const root = makeRepo({ "a.txt": "a\n" });
    const cacheDir = tmp();
    const session = new AgentSession({ backend: new FakeBackend({ replies: [whole("a.txt", "b\n")] }), root, cacheDir, targets: ["a.txt"] });
    await drain(session.turn("make it b"));
    expect((await listConversations(conversationsDir(cacheDir), root))[0]?.files).toEqual(["a.txt"]);
  });
});
