import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { Completions } from "../../src/tui/components/Completions.js";
import { DiffView } from "../../src/tui/components/DiffView.js";
import { InitRepoPrompt } from "../../src/tui/components/InitRepoPrompt.js";
import { InputBox } from "../../src/tui/components/InputBox.js";
import { LiveTurnView } from "../../src/tui/components/LiveTurnView.js";
import { LogEntryView } from "../../src/tui/components/LogEntryView.js";
import { ProgressBar } from "../../src/tui/components/ProgressBar.js";
import { QuestionPrompt } from "../../src/tui/components/QuestionPrompt.js";
import { StatusBar } from "../../src/tui/components/StatusBar.js";
import { newLiveTurn } from "../../src/tui/state/reduce-ui.js";
import type { LiveTurn, StatusInfo } from "../../src/tui/state/types.js";
import type { Theme } from "../../src/tui/theme.js";

const theme: Theme = { color: true };
const frame = (el: React.ReactElement): string => {
  const r = render(el);
  const out = r.lastFrame() ?? "";
  r.unmount();
  return out;
};

const DIFF = "--- a/src/a.ts\n+++ b/src/a.ts\n@@ -1,3 +1,3 @@\n const a = 1;\n-const b = 2;\n+const b = 3;\n const c = 4;\n";

const live = (over: Partial<LiveTurn> = {}): LiveTurn => ({ ...newLiveTurn("t", 0, false), ...over });

describe("components", () => {
  it("DiffView: path with counts, hunks without file headers", () => {
    expect(frame(<DiffView path="src/a.ts" diff={DIFF} theme={theme} />)).toBe(
      ["● src/a.ts +1 -1", "@@ -1,3 +1,3 @@", " const a = 1;", "-const b = 2;", "+const b = 3;", " const c = 4;"].join("\n"),
    );
    expect(frame(<DiffView path="x" diff="" theme={theme} />)).toBe("● x +0 -0\n(no change)");
  });

  it("StatusBar: the status line for its width", () => {
    const status: StatusInfo = { mode: "suggest", model: "/m/tiny.gguf", backend: "local", contextSize: 4096, contextUsed: 2048, cachedTokens: 1000, files: 2, budget: 3000, tokensPerSecond: 12.34, checkpoint: "3" };
    expect(frame(<StatusBar status={status} width={95} theme={theme} />)).toBe("suggest · tiny · local · 12.3 tok/s · ctx [#####-----] 2.0k/4.1k · cached 1.0k · checkpoint 3");
    expect(frame(<StatusBar status={status} width={89} theme={theme} />)).toBe("suggest · tiny · local · 12.3 tok/s · ctx [###---] 2.0k/4.1k · cached 1.0k · checkpoint 3");
    expect(frame(<StatusBar status={status} width={55} theme={theme} />)).toBe("suggest · tiny · 12.3 tok/s · ctx 2.0k/4.1k · ckpt 3");
    expect(frame(<StatusBar status={status} width={45} theme={theme} />)).toBe("suggest · 12.3 tok/s · ctx 2.0k/4.1k · ckpt 3");
    expect(frame(<StatusBar status={{ ...status, mode: "full" }} width={45} theme={theme} />)).toBe("full · 12.3 tok/s · ctx 2.0k/4.1k · ckpt 3");
  });

  it("InputBox: placeholder when empty, every line of multi-line input", () => {
    expect(frame(<InputBox editor={{ text: "", cursor: 0 }} active theme={theme} placeholder="describe a change" />)).toBe("›  describe a change");
    expect(frame(<InputBox editor={{ text: "fix it\nplease", cursor: 3 }} active theme={theme} />)).toBe("› fix it\n  please");
    expect(frame(<InputBox editor={{ text: "queued", cursor: 6 }} active={false} theme={theme} />)).toBe("› queued");
  });

  it("QuestionPrompt: an edit's totals and four answers; a command; an output to attach", () => {
    const files = [
      { path: "a.ts", added: 3, removed: 1, created: false, deleted: false },
      { path: "b.ts", added: 2, removed: 0, created: true, deleted: false },
    ];
    expect(frame(<QuestionPrompt question={{ kind: "edit", files }} theme={theme} />)).toBe("\nApply 2 files (+5 -1)?\ny yes · n no · a always (auto-edit) · e reply with a correction");
    expect(frame(<QuestionPrompt question={{ kind: "command", command: "npm test" }} theme={theme} />)).toBe("\nRun `npm test`?\ny yes · n no · a always (full)");
    expect(frame(<QuestionPrompt question={{ kind: "attach", command: "npm test", exitCode: 1 }} theme={theme} />)).toBe(
      "\nAdd the output of `npm test` to the conversation?\ny yes, it goes with your next message · n no",
    );
  });

  it("ProgressBar: the progress line", () => {
    expect(frame(<ProgressBar progress={{ phase: "load", done: 0.5, total: 1, startedAt: 0, startDone: 0, at: 0 }} width={40} theme={theme} />)).toBe(
      "loading the model [########--------] 50%",
    );
  });

  it("LiveTurnView: the tail of unflushed text and the state line", () => {
    expect(frame(<LiveTurnView live={live()} width={40} rows={3} asking={false} theme={theme} />)).toBe("● thinking… (Esc to cancel)");
    const streaming = live({ text: "done part\nline 1\nline 2\nline 3\nline 4", flushedRaw: 10 });
    expect(frame(<LiveTurnView live={streaming} width={40} rows={3} asking={false} theme={theme} />)).toBe("line 2\nline 3\nline 4\n● writing… (Esc to cancel)");
    expect(frame(<LiveTurnView live={live({ outputTokens: 5 })} width={40} rows={3} asking={false} theme={theme} />)).toBe("● working… (Esc to cancel)");
    expect(frame(<LiveTurnView live={live({ cancelled: true })} width={40} rows={3} asking={false} theme={theme} />)).toBe("● cancelling… (Esc to cancel)");
    expect(frame(<LiveTurnView live={live()} width={40} rows={3} asking theme={theme} />)).toBe("");
  });

  it("LogEntryView: each kind of scrollback entry", () => {
    const e = (entry: Parameters<typeof LogEntryView>[0]["entry"]): string => frame(<LogEntryView entry={entry} theme={theme} />);
    expect(e({ id: 0, kind: "banner", cwd: "/repo" })).toBe("Spark · /repo\nType a task and press Enter · /help for commands · Ctrl-C twice to exit");
    expect(e({ id: 1, kind: "user", text: "fix it", ask: false })).toBe("\n› fix it");
    expect(e({ id: 2, kind: "prose", text: "Sure." })).toBe("Sure.");
    expect(e({ id: 3, kind: "edit-failed", path: "a.ts", reason: "SEARCH not found" })).toBe("✗ a.ts: SEARCH not found");
    expect(e({ id: 4, kind: "edit-failed", path: "", reason: "unclosed block" })).toBe("✗ reply: unclosed block");
    expect(e({ id: 5, kind: "test", command: "npm test", exitCode: 0, output: "ok" })).toBe("✓ test `npm test` passed");
    expect(e({ id: 6, kind: "test", command: "npm test", exitCode: 1, output: "1 failed\nexpected 2\n" })).toBe("✗ test `npm test` failed (exit 1)\n  1 failed\n  expected 2");
    expect(e({ id: 7, kind: "notice", text: "applied", tone: "ok" })).toBe("✓ applied");
    expect(e({ id: 8, kind: "notice", text: "careful", tone: "warn" })).toBe("! careful");
    expect(e({ id: 9, kind: "notice", text: "bad", tone: "error" })).toBe("✗ bad");
    expect(e({ id: 10, kind: "list", title: "Focus", lines: ["a.ts", "", "b.ts"] })).toBe("Focus\n  a.ts\n\n  b.ts");
    expect(e({ id: 11, kind: "diff", path: "src/a.ts", diff: DIFF }).split("\n")[0]).toBe("● src/a.ts +1 -1");
  });

  it("InitRepoPrompt and Completions", () => {
    expect(frame(<InitRepoPrompt cwd="/tmp/x" theme={theme} />)).toBe(
      "/tmp/x is not a git repository.\nSpark keeps a checkpoint before every change, which needs git.\nRun git init here? (y/n)",
    );
    expect(frame(<Completions items={["/checkpoints", "/clear", "/context"]} width={80} />)).toBe("/checkpoints  /clear  /context");
    expect(frame(<Completions items={["/checkpoints", "/clear", "/context"]} width={20} />)).toBe("/checkpoints  /clea…");
  });
});
