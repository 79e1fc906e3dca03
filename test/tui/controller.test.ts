import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Backend } from "../../src/inference/index.js";
import { enter, harness, REPLY } from "./controller-harness.js";
import { key, makePlainDir, makeRepo, ScriptedBackend, waitFor } from "./helpers.js";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function repo(): string {
  const r = makeRepo({ "a.txt": "hello\nworld\n", "src/b.ts": "export const b = 1;\n" });
  cleanups.push(r.cleanup);
  return r.dir;
}


describe("TuiController", () => {
  it("runs a task: streams, asks, applies on y with a checkpoint; /undo restores", async () => {
    const dir = repo();
    const h = harness(dir);
    await h.c.start();
    h.type("rename world");
    enter(h);
    await waitFor(() => h.state().mode === "approval", "the approval question");
    expect(h.log()).toEqual(["banner", "user: rename world", "prose: Renaming it.", "diff a.txt"]);
    expect(h.state().question).toEqual({ kind: "edit", files: [{ path: "a.txt", added: 1, removed: 1, created: false, deleted: false }] });
    h.c.key("y", key());
    await h.c.idle;
    expect(readFileSync(path.join(dir, "a.txt"), "utf8")).toBe("hello\nplanet\n");
    expect(h.state().status.checkpoint).toBe("1");
    expect(h.log().at(-1)).toMatch(/^ok: applied 1 file \(\+1 -1\) · checkpoint 1 \(\/undo\) · \d+ tok at 123\.4 tok\/s$/);
    expect(h.state().status).toMatchObject({ model: "/models/scripted.gguf", tokensPerSecond: 123.4 });

    h.type("/undo");
    enter(h);
    await h.c.idle;
    expect(readFileSync(path.join(dir, "a.txt"), "utf8")).toBe("hello\nworld\n");
    expect(h.log().at(-1)).toBe("ok: restored checkpoint 1: a.txt (/undo 2 redoes it)");
    expect(h.state().status.checkpoint).toBe("2");
    expect(h.state().history.entries).toEqual(["rename world", "/undo"]);
  });

  it("n rejects, e rejects and asks for a correction, a applies now and from then on", async () => {
    const dir = repo();
    const h = harness(dir, { task: "first" });
    await h.c.start();
    await waitFor(() => h.state().mode === "approval", "question 1");
    h.c.key("n", key());
    await h.c.idle;
    expect(h.log().at(-1)).toMatch(/^warn: not applied/);
    h.c.submit("second");
    await waitFor(() => h.state().mode === "approval", "question 2");
    h.c.key("e", key());
    await h.c.idle;
    expect(h.state().hint).toBe("not applied: type your correction and press Enter");
    expect(readFileSync(path.join(dir, "a.txt"), "utf8")).toBe("hello\nworld\n");
    h.c.submit("third");
    await waitFor(() => h.state().mode === "approval", "question 3");
    h.c.key("a", key());
    await h.c.idle;
    expect(readFileSync(path.join(dir, "a.txt"), "utf8")).toBe("hello\nplanet\n");
    expect(h.state().status.mode).toBe("auto-edit");
  });

  it("--yes applies without asking", async () => {
    const dir = repo();
    const h = harness(dir, { mode: "full", task: "go" });
    await h.c.start();
    await waitFor(() => h.state().log.some((e) => e.kind === "notice" && e.tone === "ok"), "the outcome");
    await h.c.idle;
    expect(readFileSync(path.join(dir, "a.txt"), "utf8")).toBe("hello\nplanet\n");
    expect(h.state().question).toBeUndefined();
  });

  it("Esc cancels mid-stream: nothing applied, the session goes on; Ctrl-C cancels and arms exit", async () => {
    const dir = repo();
    let gate: () => void = () => undefined;
    let chunks = 0;
    const backend = new ScriptedBackend({
      replies: [`${"Let me think about this. ".repeat(20)}\n${REPLY}`],
      beforeChunk: (k) => {
        chunks = k;
        return k === 3 ? new Promise<void>((r) => (gate = r)) : Promise.resolve();
      },
    });
    const h = harness(dir, { backend, mode: "full" });
    await h.c.start();
    h.c.submit("think");
    await waitFor(() => chunks === 3, "the third chunk");
    expect(h.state().live?.text).toBe("Let me think ab");
    h.c.key("", key({ escape: true, meta: true }));
    gate();
    await h.c.idle;
    expect(h.log().slice(-2)).toEqual(["prose: Let me think ab", "warn: cancelled"]);
    expect(readFileSync(path.join(dir, "a.txt"), "utf8")).toBe("hello\nworld\n");
    expect(h.state().mode).toBe("idle");
    expect(h.state().exitArmed).toBe(false);

    h.c.submit("again");
    await waitFor(() => chunks === 3 && h.state().mode === "running", "the second turn's third chunk");
    h.c.key("c", key({ ctrl: true }));
    gate();
    await h.c.idle;
    expect(h.log().at(-1)).toBe("warn: cancelled");
    expect(h.state().exitArmed).toBe(true);
    h.c.key("c", key({ ctrl: true }));
    await waitFor(() => h.exits.length > 0, "exit");
    expect(h.exits).toEqual([{ code: 0 }]);
    expect(backend.closed).toBe(true);
  });

  it("Ctrl-C at the prompt clears typed text first, then needs a second press", async () => {
    const h = harness(repo());
    await h.c.start();
    h.type("half typed");
    h.c.key("c", key({ ctrl: true }));
    expect(h.state().input.text).toBe("");
    expect(h.state().exitArmed).toBe(true);
    h.type("x");
    expect(h.state().exitArmed).toBe(false);
    h.c.key("c", key({ ctrl: true }));
    h.c.key("c", key({ ctrl: true }));
    await waitFor(() => h.exits.length > 0, "exit");
    expect(h.exits).toEqual([{ code: 0 }]);
  });

  it("splits text and Enter that arrive in one chunk; Up recalls history", async () => {
    const h = harness(repo());
    await h.c.start();
    h.c.key("/help\r", key());
    await h.c.idle;
    expect(h.log().at(-1)).toMatch(/^list Commands: \/add FILE\.\.\. +focus the model on these files/);
    h.c.key("", key({ upArrow: true }));
    expect(h.state().input.text).toBe("/help");
    h.c.key("", key({ downArrow: true }));
    expect(h.state().input.text).toBe("");
  });

  it("completes with Tab and lists the candidates", async () => {
    const h = harness(repo());
    await h.c.start();
    h.c.key("/c\t", key());
    await waitFor(() => h.state().completions.length > 0, "candidates");
    expect(h.state().completions).toEqual(["/checkpoints", "/context", "/clear"]);
    h.type("he");
    expect(h.state().completions).toEqual([]);
    h.c.key("", key({ tab: true }));
    await waitFor(() => h.state().input.text === "/checkpoints ", "completion");
    h.c.key("u", key({ ctrl: true }));
    h.type("/add sr");
    h.c.key("", key({ tab: true }));
    await waitFor(() => h.state().input.text === "/add src/", "path completion");
  });

  it("slash commands: focus files, context, test command, checkpoints, diff, model, clear, unknown", async () => {
    const dir = repo();
    let cleared = 0;
    const h2 = harness(dir, { mode: "full", clearScreen: () => cleared++ });
    const run = async (line: string): Promise<string | undefined> => {
      h2.c.submit(line);
      await h2.c.idle;
      return h2.log().at(-1);
    };
    await h2.c.start();
    expect(await run("/add src/b.ts nope.ts")).toBe("plain: focus: src/b.ts");
    expect(h2.log().at(-2)).toBe("error: no such file: nope.ts");
    expect(await run("/files")).toBe("list Focus files · 0 files packed in the context: src/b.ts");
    expect(await run("/drop")).toBe("plain: focus: (none)");
    expect(await run("/test npm test")).toBe("plain: after each applied change: npm test");
    expect(await run("/test")).toBe("plain: test command: npm test");
    expect(await run("/test off")).toBe("plain: test command off");
    expect(await run("/diff")).toBe("plain: nothing applied in this session yet");
    expect(await run("/checkpoints")).toBe("plain: no checkpoints yet");
    await run("apply it");
    expect(await run("/diff")).toBe("diff a.txt");
    expect(await run("/checkpoints")).toMatch(/^list Checkpoints \(newest first; \/undo ID restores one\):\s+1 {2}\d{4}-\d\d-\d\d \d\d:\d\d {2}apply it \(a\.txt\)$/);
    expect(await run("/model")).toBe("plain: scripted (/models/scripted.gguf) · local · 33k context");
    expect(await run("/context a")).toMatch(/^list Would pack for "a": RANK +ROLE +TOKENS +SCORE +PATH \| +1 +full .* a\.txt \|.*of \d+ tokens \(estimated\)$/);
    expect(h2.log().at(-2)).toMatch(/^list Context: size {6}32768 tokens \| in use {4}\d+ tokens \(\d+%\), last request's prompt and reply \| cached {4}0 tokens/);
    h2.c.submit("/nope");
    expect(h2.state().hint).toBe("unknown command /nope (try /help)");
    await run("/clear");
    expect(h2.state().log).toEqual([]);
    expect(cleared).toBe(1);
    await run("/exit");
    await waitFor(() => h2.exits.length > 0, "exit");
    expect(h2.exits).toEqual([{ code: 0 }]);
  });

  it("outside a repository: offers git init; y creates one, n exits 4", async () => {
    const plain = makePlainDir();
    cleanups.push(plain.cleanup);
    const h = harness(plain.dir);
    await h.c.start();
    expect(h.state().mode).toBe("init-repo");
    h.c.key("y", key());
    await waitFor(() => h.state().mode === "idle", "the prompt");
    expect(existsSync(path.join(plain.dir, ".git"))).toBe(true);
    expect(h.log()[0]).toMatch(/^ok: initialized an empty git repository in /);

    const other = makePlainDir();
    cleanups.push(other.cleanup);
    const h2 = harness(other.dir);
    await h2.c.start();
    h2.c.key("n", key());
    await waitFor(() => h2.exits.length > 0, "exit");
    expect(h2.exits[0]?.code).toBe(4);
    expect(h2.exits[0]?.error?.message).toBe(`not a git repository: ${other.dir} (run git init, or pass --cwd)`);
    expect(existsSync(path.join(other.dir, ".git"))).toBe(false);
  });

  it("shows load progress while the model opens, and an error when it cannot", async () => {
    const dir = repo();
    let finish: (b: Backend) => void = () => undefined;
    const h = harness(dir, {
      openBackend: (_model, onProgress) => {
        onProgress({ phase: "download", done: 10, total: 100 });
        return new Promise<Backend>((r) => (finish = r));
      },
    });
    await h.c.start();
    expect(h.state().progress).toMatchObject({ phase: "download", done: 10, total: 100 });
    expect(h.state().mode).toBe("idle");
    finish(h.backend);
    await waitFor(() => h.state().status.model !== undefined, "the model");
    expect(h.state().progress).toBeUndefined();

    const bad = harness(dir, { openBackend: async () => Promise.reject(new Error("model file is corrupt")) });
    await bad.c.start();
    await waitFor(() => bad.log().length > 1, "the error");
    expect(bad.log()[1]).toBe("error: model file is corrupt (/model URI loads another, /exit leaves)");
    bad.c.submit("do it");
    await bad.c.idle;
    expect(bad.log().slice(-2)).toEqual(["user: do it", "error: no model is loaded (/model URI loads one)"]);
  });

  it("a signal from outside ends the session with 130", async () => {
    const ac = new AbortController();
    const h = harness(repo(), { signal: ac.signal });
    await h.c.start();
    ac.abort();
    await waitFor(() => h.exits.length > 0, "exit");
    expect(h.exits[0]?.code).toBe(130);
  });
});
