import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { historyFile, loadHistory } from "../../src/tui/input/history-store.js";
import { enter, harness, REPLY } from "./controller-harness.js";
import { key, makeRepo, ScriptedBackend, waitFor } from "./helpers.js";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function repo(files: Record<string, string> = { "a.txt": "hello\nworld\n", "src/parser.ts": "export const p = 1;\n", "src/printer.ts": "export const q = 2;\n" }): string {
  const r = makeRepo(files);
  cleanups.push(r.cleanup);
  return r.dir;
}

const shiftTab = key({ tab: true, shift: true });
const esc = key({ escape: true, meta: true });
const second = (text: string): string => `Making it ${text}.\n\na.txt\n<<<<<<< SEARCH\nplanet\n=======\n${text}\n>>>>>>> REPLACE\n`;

describe("TUI pair programming", () => {
  it("Shift-Tab cycles suggest → auto-edit → ask → suggest; full joins the cycle once chosen; ask turns apply nothing", async () => {
    const dir = repo();
    const h = harness(dir);
    await h.c.start();
    const modes: string[] = [];
    for (let i = 0; i < 3; i++) {
      h.c.key("", shiftTab);
      modes.push(h.state().status.mode);
    }
    expect(modes).toEqual(["auto-edit", "ask", "suggest"]);
    h.c.submit("/mode full");
    await h.c.idle;
    h.c.key("", shiftTab);
    h.c.key("", shiftTab);
    expect(h.state().status.mode).toBe("suggest");
    h.c.key("", shiftTab);
    h.c.key("", shiftTab);
    expect(h.state().status.mode).toBe("full");
    h.c.submit("/mode ask");
    await h.c.idle;
    h.c.submit("what is in a.txt?");
    await h.c.idle;
    expect(h.log().slice(-3)).toEqual(["user: what is in a.txt?", "prose: Renaming it.\n\na.txt\n<<<<<<< SEARCH\nworld\n=======\nplanet\n>>>>>>> REPLACE", expect.stringMatching(/^ok: answered · /)]);
    expect(readFileSync(path.join(dir, "a.txt"), "utf8")).toBe("hello\nworld\n");
    expect(h.backend.requests[0]?.grammar).toBeUndefined();
  });

  it("/ask asks once from an edit mode; /mode lists and rejects unknown modes", async () => {
    const h = harness(repo(), { mode: "full" });
    await h.c.start();
    h.c.submit("/ask what is in a.txt?");
    await h.c.idle;
    expect(h.log().at(-1)).toMatch(/^ok: answered · /);
    expect(h.state().status.mode).toBe("full");
    h.c.submit("/mode");
    await h.c.idle;
    expect(h.log().at(-1)).toMatch(/^list Mode .*\| ▸ full: applies edits and runs commands without asking \|/);
    h.c.submit("/mode yolo");
    await h.c.idle;
    expect(h.log().at(-1)).toBe("error: unknown mode yolo (suggest, auto-edit, full or ask)");
  });

  it("auto-edit applies and asks before the test command: n skips it, a runs it and switches to full", async () => {
    const dir = repo();
    const backend = new ScriptedBackend({ replies: [REPLY, second("moon"), second("mars")] });
    const h = harness(dir, { backend, mode: "auto-edit", testCommand: "grep -q . a.txt" });
    await h.c.start();
    h.c.submit("rename");
    await waitFor(() => h.state().question?.kind === "command", "the command question");
    expect(h.state().question).toEqual({ kind: "command", command: "grep -q . a.txt" });
    expect(readFileSync(path.join(dir, "a.txt"), "utf8")).toBe("hello\nplanet\n");
    h.c.key("n", key());
    await h.c.idle;
    expect(h.log().slice(-2)).toEqual(["warn: did not run `grep -q . a.txt`", expect.stringMatching(/^ok: applied 1 file/)]);
    h.c.submit("again");
    await waitFor(() => h.state().question?.kind === "command", "the command question again");
    h.c.key("e", key()); // not an answer to this question
    expect(h.state().question?.kind).toBe("command");
    h.c.key("a", key());
    await h.c.idle;
    expect(h.state().status.mode).toBe("full");
    expect(h.log().some((l) => l === "test")).toBe(true);
  });

  it("!CMD streams its output, Esc stops it, and a finished one can go with the next message", async () => {
    const dir = repo();
    const h = harness(dir, { mode: "full" });
    await h.c.start();
    h.c.submit("!echo out; echo err >&2; exit 3");
    await waitFor(() => h.state().question?.kind === "attach", "the offer");
    expect(h.log().at(-1)).toMatch(/^shell echo out; echo err >&2; exit 3: exit 3: (out\nerr|err\nout)$/);
    h.c.key("y", key());
    await h.c.idle;
    expect(h.state().attachments).toHaveLength(1);
    h.c.submit("why?");
    await h.c.idle;
    const user = h.backend.requests[0]?.messages[1]?.content ?? "";
    expect(user).toMatch(/# Task\nI ran `echo out; echo err >&2; exit 3` in the repository; it exited with code 3:\n```\n(out\nerr|err\nout)\n```\n\nwhy\?/);
    expect(h.state().attachments).toEqual([]);

    h.c.submit("!echo started; sleep 30");
    await waitFor(() => h.state().shell?.output === "started\n", "the streamed output");
    expect(h.state().mode).toBe("shell");
    h.c.submit("not now");
    expect(h.state().hint).toBe("a command is running: wait, or press Esc to stop it");
    h.c.key("", esc);
    await h.c.idle;
    expect(h.log().at(-1)).toBe("shell echo started; sleep 30: stopped: started");
    expect(h.state().question).toBeUndefined();
    expect(h.state().mode).toBe("idle");
  });

  it("@mentions: Tab opens the menu, typing narrows it, arrows move, Tab takes; the turn gets the file in focus", async () => {
    const dir = repo();
    const h = harness(dir, { mode: "full", backend: new ScriptedBackend({ replies: ["Ok.\n"] }) });
    await h.c.start();
    h.type("explain @pr");
    h.c.key("", key({ tab: true }));
    await waitFor(() => h.state().mention !== undefined, "the menu");
    expect([...(h.state().mention?.items ?? [])].sort()).toEqual(["src/parser.ts", "src/printer.ts"]);
    h.type("n");
    expect(h.state().mention?.items).toEqual(["src/printer.ts"]);
    h.c.key("", key({ backspace: true }));
    h.c.key("", key({ downArrow: true }));
    const pick = h.state().mention?.items[1] ?? "";
    h.c.key("", key({ return: true }));
    expect(h.state().input.text).toBe(`explain @${pick} `);
    expect(h.state().mention).toBeUndefined();
    h.type("x");
    h.c.key("", key({ escape: true }));
    expect(h.state().input.text).toBe(`explain @${pick} x`);

    h.c.key("u", key({ ctrl: true }));
    h.type("@a.tx");
    h.c.key("", key({ tab: true }));
    await waitFor(() => h.state().input.text === "@a.txt ", "the only match taken at once");
    h.c.submit("hello");
    await h.c.idle;
    writeFileSync(path.join(dir, "late.md"), "written late\n");
    h.c.submit("and @late.md?");
    await h.c.idle;
    expect(h.backend.requests[1]?.messages.at(-1)?.content).toMatch(/^The files in focus for this task:\n\nlate\.md\n```\nwritten late\n```\n\n# Task\nand @late\.md\?/);
  });

  it("Esc twice at an empty prompt lists the turns; choosing one restores its files and message; /redo re-applies", async () => {
    const dir = repo();
    const h = harness(dir, { mode: "auto-edit", backend: new ScriptedBackend({ replies: [REPLY, second("moon"), REPLY] }) });
    await h.c.start();
    h.c.submit("rename world");
    await h.c.idle;
    h.c.submit("to the moon");
    await h.c.idle;
    expect(readFileSync(path.join(dir, "a.txt"), "utf8")).toBe("hello\nmoon\n");
    h.c.key("", esc);
    expect(h.state().hint).toBe("press Esc again to rewind to an earlier turn");
    h.c.key("", esc);
    expect(h.state().picker?.items.map((i) => `${i.label} ${i.detail}`)).toEqual(["1. rename world (changed files · checkpoint 1)", "2. to the moon (changed files · checkpoint 2)"]);
    expect(h.state().picker?.selected).toBe(1);
    h.c.key("", key({ upArrow: true }));
    h.c.key("", key({ return: true }));
    await h.c.idle;
    expect(readFileSync(path.join(dir, "a.txt"), "utf8")).toBe("hello\nworld\n");
    expect(h.state().input.text).toBe("rename world");
    expect(h.log().at(-1)).toBe("ok: rewound 2 turns to before “rename world”: restored a.txt (checkpoint 1; /redo brings them back). Edit the message and press Enter to send it again.");
    enter(h);
    await h.c.idle;
    // The conversation was rewound too: the resent message starts a fresh one.
    expect(h.backend.requests[2]?.messages.map((m) => m.role)).toEqual(["system", "user"]);
    expect(readFileSync(path.join(dir, "a.txt"), "utf8")).toBe("hello\nplanet\n");
    h.c.submit("/undo");
    await h.c.idle;
    expect(readFileSync(path.join(dir, "a.txt"), "utf8")).toBe("hello\nworld\n");
    h.c.submit("/redo");
    await h.c.idle;
    expect(readFileSync(path.join(dir, "a.txt"), "utf8")).toBe("hello\nplanet\n");
    h.c.submit("/redo");
    await h.c.idle;
    expect(h.log().at(-1)).toBe("plain: nothing to redo (/redo re-applies what /undo or /rewind took back)");
  });

  it("an Esc with text typed does not arm the rewind; /rewind with no turns says so", async () => {
    const h = harness(repo());
    await h.c.start();
    h.type("half");
    h.c.key("", esc);
    expect(h.state().escArmed).toBe(false);
    h.c.submit("/rewind");
    await h.c.idle;
    expect(h.log().at(-1)).toBe("plain: nothing to rewind: no turns in this conversation yet");
  });

  it("--resume lists past conversations and continues the chosen one; an unknown id exits 2; history persists per repository", async () => {
    const dir = repo();
    const cacheDir = mkdtempSync(path.join(os.tmpdir(), "spark-cache-"));
    const historyDir = mkdtempSync(path.join(os.tmpdir(), "spark-history-"));
    const one = harness(dir, { mode: "full", agent: { cacheDir }, historyDir, backend: new ScriptedBackend({ replies: ["One.\n"] }) });
    await one.c.start();
    one.c.submit("first question");
    await one.c.idle;
    await one.c.exit(0);

    const backend = new ScriptedBackend({ replies: ["Two.\n"] });
    const two = harness(dir, { mode: "full", agent: { cacheDir }, historyDir, resume: true, task: "second question", backend });
    await two.c.start();
    expect(two.state().picker?.kind).toBe("resume");
    expect(two.state().picker?.items[0]?.label).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d {2}[0-9a-f]{8} {2}first question$/);
    expect(two.state().picker?.items[0]?.detail).toBe("1 turn · no files changed");
    expect(two.state().history.entries).toEqual(["first question"]);
    two.c.key("", key({ return: true }));
    await waitFor(() => backend.requests.length > 0, "the task, sent after the pick");
    await two.c.idle;
    expect(backend.requests[0]?.messages.map((m) => m.content.slice(0, 4))).toEqual(["You ", expect.any(String), "One.", expect.any(String)]);
    expect(await loadHistory(historyFile(historyDir, dir))).toEqual(["first question", "second question"]);
    await two.c.exit(0);

    const bad = harness(dir, { agent: { cacheDir }, resume: "ffffffff" });
    await bad.c.start();
    await waitFor(() => bad.exits.length > 0, "exit");
    expect(bad.exits[0]?.code).toBe(2);
    expect(bad.exits[0]?.error?.message).toBe("no conversation ffffffff in this repository (spark --resume lists them)");
  });
});
