import { describe, expect, it } from "vitest";
import type { AgentEvent } from "../../src/agent/events.js";
import { editorOf } from "../../src/tui/input/editor.js";
import { initialState, reduce } from "../../src/tui/state/reducer.js";
import type { Action, LogEntry, TuiState } from "../../src/tui/state/types.js";

const run = (actions: readonly Action[], state: TuiState = initialState("/repo")): TuiState => actions.reduce(reduce, state);
const logText = (s: TuiState): string[] =>
  s.log.map((e: LogEntry) => {
    switch (e.kind) {
      case "prose":
      case "user":
        return `${e.kind}: ${e.text}`;
      case "notice":
        return `${e.tone}: ${e.text}`;
      case "diff":
        return `diff ${e.path}`;
      case "edit-failed":
        return `failed ${e.path}: ${e.reason}`;
      default:
        return e.kind;
    }
  });

const DIFF = "--- a/a.txt\n+++ b/a.txt\n@@ -1,2 +1,2 @@\n hello\n-world\n+planet\n";
const stats = (over: Partial<Extract<AgentEvent, { type: "stats" }>> = {}): AgentEvent => ({
  type: "stats",
  promptTokens: 900,
  cachedTokens: 600,
  outputTokens: 40,
  ttftMs: 12,
  prefillTps: 1000,
  decodeTps: 50,
  draftProposed: 0,
  draftAccepted: 0,
  ...over,
});
const deltas = (text: string, size = 4): AgentEvent[] => Array.from({ length: Math.ceil(text.length / size) }, (_, i) => ({ type: "model.delta", text: text.slice(i * size, i * size + size) }));

const started = run([
  { type: "ui.ready" },
  { type: "session.start", model: "/m/qwen.gguf", backend: "local", contextSize: 4096, cwd: "/repo" },
  { type: "ui.turn.start", task: "rename world", at: 1000 },
  { type: "context.packed", files: 3, tokens: 900, budget: 3000, cachedTokens: 0 },
]);

describe("TUI reducer", () => {
  it("starts with a banner, the model in the status bar, and the task in the scrollback", () => {
    expect(started.mode).toBe("running");
    expect(logText(started)).toEqual(["banner", "user: rename world"]);
    expect(started.status).toMatchObject({ model: "/m/qwen.gguf", backend: "local", contextSize: 4096, contextUsed: 900, files: 3, budget: 3000 });
  });

  it("moves prose and each diff to the scrollback as the edit block closes, then the rest at the end of the round", () => {
    const reply = "I will rename it.\n\na.txt\n<<<<<<< SEARCH\nworld\n=======\nplanet\n>>>>>>> REPLACE\n";
    let s = run(deltas(reply), started);
    expect(s.live?.text).toBe(reply);
    expect(logText(s)).toEqual(["banner", "user: rename world"]);
    s = run([{ type: "edit.proposed", path: "a.txt", format: "search-replace", diff: DIFF }], s);
    expect(logText(s)).toEqual(["banner", "user: rename world", "prose: I will rename it.", "diff a.txt"]);
    expect(s.live?.flushedRaw).toBe(reply.length);
    s = run([...deltas("\nDone, it says planet now.\n"), stats()], s);
    expect(logText(s).slice(-1)).toEqual(["prose: Done, it says planet now."]);
    expect(s.live?.text).toBe("");
    expect(s.status).toMatchObject({ tokensPerSecond: 50, cachedTokens: 600, contextUsed: 940 });
  });

  it("asks, applies with a checkpoint, and closes the turn with one outcome line", () => {
    let s = run([...deltas("a.txt\n<<<<<<< SEARCH\nworld\n=======\nplanet\n>>>>>>> REPLACE\n"), { type: "edit.proposed", path: "a.txt", format: "search-replace", diff: DIFF }, stats()], started);
    s = run([{ type: "ui.question", question: { kind: "edit", files: [{ path: "a.txt", added: 1, removed: 1, created: false, deleted: false }] } }], s);
    expect(s.mode).toBe("approval");
    s = run([{ type: "ui.answer", answer: "yes" }, { type: "checkpoint", id: "7" }, { type: "edit.applied", path: "a.txt", added: 1, removed: 1 }], s);
    expect(s.mode).toBe("running");
    expect(s.status.checkpoint).toBe("7");
    s = run([{ type: "ui.turn.end", status: "ok", at: 2000 }], s);
    expect(s.mode).toBe("idle");
    expect(s.live).toBeUndefined();
    expect(logText(s).slice(-2)).toEqual(["diff a.txt", "ok: applied 1 file (+1 -1) · checkpoint 7 (/undo) · 40 tok at 50.0 tok/s"]);
    expect(s.lastApplied).toEqual([{ path: "a.txt", diff: DIFF }]);
  });

  it("reports a rejection, an always-apply answer and a correction request", () => {
    const asked = run([{ type: "ui.question", question: { kind: "edit", files: [] } }], started);
    expect(logText(run([{ type: "ui.answer", answer: "no" }, { type: "ui.turn.end", status: "rejected", at: 2 }], asked)).at(-1)).toBe("warn: not applied");
    const always = run([{ type: "ui.answer", answer: "always" }], asked);
    expect(always.status.mode).toBe("auto-edit");
    expect(always.hint).toBe("auto-edit: applies edits without asking, asks before commands (Shift-Tab changes it)");
    const edit = run([{ type: "ui.answer", answer: "edit" }, { type: "ui.turn.end", status: "rejected", at: 2 }], asked);
    expect(edit.status.mode).toBe("suggest");
    expect(logText(edit).at(-1)).toBe("warn: not applied");
    expect(edit.hint).toBe("not applied: type your correction and press Enter");
  });

  it("shows a cancelled turn's streamed text and says it was cancelled", () => {
    const s = run([...deltas("Thinking about the greeting and"), { type: "ui.cancel" }, { type: "error", message: "interrupted", code: "interrupted" }, { type: "ui.turn.end", status: "interrupted", at: 3 }], started);
    expect(logText(s).slice(-2)).toEqual(["prose: Thinking about the greeting and", "warn: cancelled"]);
  });

  it("shows a failed turn's error and each failed edit", () => {
    const s = run(
      [
        ...deltas("a.txt\n<<<<<<< SEARCH\nnope\n=======\nx\n>>>>>>> REPLACE\n"),
        { type: "edit.failed", path: "a.txt", reason: "SEARCH text not found" },
        stats({ outputTokens: 10, decodeTps: 20 }),
        { type: "error", message: "no applicable edit after 3 retries", code: "task" },
        { type: "ui.turn.end", status: "failed", at: 4 },
      ],
      started,
    );
    expect(logText(s).slice(2)).toEqual(["failed a.txt: SEARCH text not found", "error: no applicable edit after 3 retries · 10 tok at 20.0 tok/s"]);
  });

  it("weights the turn's decode rate by the tokens of each round", () => {
    const s = run([stats({ outputTokens: 101, decodeTps: 100 }), stats({ outputTokens: 301, decodeTps: 50 })], started);
    // Round 1: 100 tokens after its first in 1 s; round 2: 300 in 6 s. 402 tokens, 401 after the first, 7 s.
    expect(s.live?.decodeTps).toBe(57.3);
    expect(s.live?.outputTokens).toBe(402);
  });

  it("tracks progress with its start for the rate, and clears it", () => {
    let s = run([{ type: "ui.progress", phase: "download", done: 100, total: 1000, at: 10 }, { type: "ui.progress", phase: "download", done: 400, total: 1000, at: 1010 }]);
    expect(s.progress).toEqual({ phase: "download", done: 400, total: 1000, startedAt: 10, startDone: 100, at: 1010 });
    s = run([{ type: "ui.progress", phase: "load", done: 0.5, total: 1, at: 2000 }], s);
    expect(s.progress).toMatchObject({ phase: "load", startedAt: 2000, startDone: 0.5 });
    expect(run([{ type: "ui.progress.done" }], s).progress).toBeUndefined();
  });

  it("arms exit on Ctrl-C and disarms on typing; submitting records history and clears the input", () => {
    let s = run([{ type: "ui.exit-armed", armed: true }]);
    expect(s).toMatchObject({ exitArmed: true, hint: "press Ctrl-C again to exit" });
    s = run([{ type: "ui.input", input: editorOf("x") }], s);
    expect(s).toMatchObject({ exitArmed: false, hint: undefined });
    s = run([{ type: "ui.submitted", text: "x" }], s);
    expect(s.input.text).toBe("");
    expect(s.history.entries).toEqual(["x"]);
  });

  it("/clear empties the scrollback and starts <Static> over", () => {
    const s = run([{ type: "ui.clear" }], started);
    expect(s.log).toEqual([]);
    expect(s.epoch).toBe(1);
    expect(s.status.contextUsed).toBe(0);
  });

  it("outside a turn, errors and diffs still reach the scrollback", () => {
    const s = run([{ type: "error", message: "boom", code: "internal" }, { type: "edit.proposed", path: "b.txt", format: "whole", diff: DIFF }]);
    expect(logText(s)).toEqual(["error: boom", "diff b.txt"]);
  });

  it("announces a model switch, not the first model", () => {
    const s = run([{ type: "session.start", model: "/m/other.gguf", backend: "local", contextSize: 8192, cwd: "/repo" }], started);
    expect(logText(s).at(-1)).toBe("ok: model /m/other.gguf (local, 8192 tokens of context)");
  });
});
