import { describe, expect, it } from "vitest";
import * as ed from "../../src/tui/input/editor.js";
import { emptyHistory, newer, older, remember } from "../../src/tui/input/history.js";
import { keyCommand, splitChunk } from "../../src/tui/input/keymap.js";
import { key } from "./helpers.js";

const at = (text: string, cursor: number): ed.EditorState => ({ text, cursor });

describe("editor", () => {
  it("inserts, deletes and moves without splitting surrogate pairs", () => {
    let s = ed.insert(ed.emptyEditor, "a😀b");
    expect(s).toEqual({ text: "a😀b", cursor: 4 });
    s = ed.left(s);
    expect(s.cursor).toBe(3);
    s = ed.left(s);
    expect(s.cursor).toBe(1);
    s = ed.deleteForward(s);
    expect(s).toEqual({ text: "ab", cursor: 1 });
    expect(ed.backspace(at("x😀", 3))).toEqual({ text: "x", cursor: 1 });
  });

  it("normalizes pasted line breaks and tabs and drops control bytes", () => {
    expect(ed.insert(ed.emptyEditor, "a\r\nb\rc\td\x07")).toEqual({ text: "a\nb\nc  d", cursor: 8 });
  });

  it("moves between lines keeping the column, and hands the first and last line to history", () => {
    const s = at("first line\nab\nthird", 14 + 3);
    expect(ed.layout(s)).toEqual({ lines: ["first line", "ab", "third"], row: 2, col: 3 });
    const up1 = ed.up(s);
    expect(up1?.cursor).toBe(13); // clamped to the end of "ab"
    expect(ed.up(at("first line\nab", 2))).toBeUndefined();
    expect(ed.down(at("x\nlonger", 1))?.cursor).toBe(3);
    expect(ed.down(at("x\nlonger", 4))).toBeUndefined();
  });

  it("kills to line start and end, deletes a word, jumps home and end", () => {
    expect(ed.killBefore(at("ab\ncd ef", 6))).toEqual({ text: "ab\nef", cursor: 3 });
    expect(ed.killAfter(at("ab\ncd ef", 4))).toEqual({ text: "ab\nc", cursor: 4 });
    expect(ed.deleteWord(at("fix the bug  ", 13))).toEqual({ text: "fix the ", cursor: 8 });
    expect(ed.home(at("ab\ncd", 5)).cursor).toBe(3);
    expect(ed.end(at("ab\ncd", 0)).cursor).toBe(2);
  });

  it("Enter submits, but after a backslash it starts a new line", () => {
    expect(ed.enter(at("do it", 5))).toEqual({ submit: "do it" });
    expect(ed.enter(at("line one\\", 9))).toEqual({ state: { text: "line one\n", cursor: 9 } });
  });
});

describe("history", () => {
  it("walks back and forth and restores the draft", () => {
    let h = remember(remember(remember(emptyHistory, "one"), "two"), "two");
    expect(h.entries).toEqual(["one", "two"]);
    h = remember(h, "   ");
    expect(h.entries).toEqual(["one", "two"]);
    const back1 = older(h, "draft");
    expect(back1?.text).toBe("two");
    const back2 = back1 && older(back1.history, "two");
    expect(back2?.text).toBe("one");
    expect(back2 && older(back2.history, "one")).toBeUndefined();
    const fwd1 = back2 && newer(back2.history);
    expect(fwd1?.text).toBe("two");
    const fwd2 = fwd1 && newer(fwd1.history);
    expect(fwd2?.text).toBe("draft");
    expect(fwd2 && newer(fwd2.history)).toBeUndefined();
  });
});

describe("keymap", () => {
  const empty = ed.emptyEditor;
  it("types, submits and completes at the prompt", () => {
    expect(keyCommand("idle", empty, "h", key())).toEqual({ kind: "edit", input: { text: "h", cursor: 1 } });
    expect(keyCommand("idle", at("go", 2), "", key({ return: true }))).toEqual({ kind: "submit", text: "go" });
    expect(keyCommand("idle", at("go", 2), "", key({ return: true, meta: true }))).toEqual({ kind: "edit", input: { text: "go\n", cursor: 3 } });
    expect(keyCommand("idle", empty, "", key({ tab: true }))).toEqual({ kind: "complete" });
    expect(keyCommand("idle", at("ab", 2), "", key({ delete: true }))).toEqual({ kind: "edit", input: { text: "a", cursor: 1 } });
    expect(keyCommand("idle", empty, "", key({ upArrow: true }))).toEqual({ kind: "older" });
    expect(keyCommand("idle", empty, "", key({ downArrow: true }))).toEqual({ kind: "newer" });
    expect(keyCommand("idle", at("ab", 2), "a", key({ ctrl: true }))).toEqual({ kind: "edit", input: { text: "ab", cursor: 0 } });
    expect(keyCommand("idle", empty, "x", key({ ctrl: true }))).toEqual({ kind: "none" });
  });

  it("Ctrl-C interrupts at the prompt and cancels a running turn; Esc cancels too", () => {
    expect(keyCommand("idle", empty, "c", key({ ctrl: true }))).toEqual({ kind: "interrupt" });
    expect(keyCommand("starting", empty, "c", key({ ctrl: true }))).toEqual({ kind: "interrupt" });
    expect(keyCommand("idle", empty, "", key({ escape: true, meta: true }))).toEqual({ kind: "dismiss" });
    expect(keyCommand("running", empty, "c", key({ ctrl: true }))).toEqual({ kind: "cancel" });
    expect(keyCommand("running", empty, "", key({ escape: true }))).toEqual({ kind: "cancel" });
    expect(keyCommand("running", empty, "t", key())).toEqual({ kind: "edit", input: { text: "t", cursor: 1 } });
  });

  it("answers y/n/a/e while asking, and nothing else", () => {
    expect(keyCommand("approval", empty, "y", key())).toEqual({ kind: "answer", answer: "yes" });
    expect(keyCommand("approval", empty, "N", key({}))).toEqual({ kind: "answer", answer: "no" });
    expect(keyCommand("approval", empty, "a", key())).toEqual({ kind: "answer", answer: "always" });
    expect(keyCommand("approval", empty, "e", key())).toEqual({ kind: "answer", answer: "edit" });
    expect(keyCommand("approval", empty, "x", key())).toEqual({ kind: "none" });
    expect(keyCommand("approval", empty, "", key({ escape: true }))).toEqual({ kind: "cancel" });
  });

  it("Shift-Tab cycles the mode (not while asking); pickers take arrows, Enter and Esc; the mention menu takes arrows, Tab and Enter", () => {
    const shiftTab = key({ tab: true, shift: true });
    expect(keyCommand("idle", empty, "", shiftTab)).toEqual({ kind: "cycle-mode" });
    expect(keyCommand("running", empty, "", shiftTab)).toEqual({ kind: "cycle-mode" });
    expect(keyCommand("approval", empty, "", shiftTab)).toEqual({ kind: "none" });
    expect(keyCommand("pick", empty, "", key({ upArrow: true }))).toEqual({ kind: "pick", action: "up" });
    expect(keyCommand("pick", empty, "", key({ downArrow: true }))).toEqual({ kind: "pick", action: "down" });
    expect(keyCommand("pick", empty, "", key({ return: true }))).toEqual({ kind: "pick", action: "choose" });
    expect(keyCommand("pick", empty, "", key({ escape: true }))).toEqual({ kind: "pick", action: "close" });
    expect(keyCommand("pick", empty, "x", key())).toEqual({ kind: "none" });
    const menu = { menu: true };
    expect(keyCommand("idle", empty, "", key({ upArrow: true }), menu)).toEqual({ kind: "menu", action: "up" });
    expect(keyCommand("idle", empty, "", key({ downArrow: true }), menu)).toEqual({ kind: "menu", action: "down" });
    expect(keyCommand("idle", empty, "", key({ tab: true }), menu)).toEqual({ kind: "menu", action: "accept" });
    expect(keyCommand("idle", empty, "", key({ return: true }), menu)).toEqual({ kind: "menu", action: "accept" });
    expect(keyCommand("idle", empty, "", key({ escape: true }), menu)).toEqual({ kind: "dismiss" });
    expect(keyCommand("idle", empty, "", key({ upArrow: true }))).toEqual({ kind: "older" });
    expect(keyCommand("shell", empty, "c", key({ ctrl: true }))).toEqual({ kind: "cancel" });
  });

  it("answers the git init question", () => {
    expect(keyCommand("init-repo", empty, "y", key())).toEqual({ kind: "init", yes: true });
    expect(keyCommand("init-repo", empty, "n", key())).toEqual({ kind: "init", yes: false });
    expect(keyCommand("init-repo", empty, "c", key({ ctrl: true }))).toEqual({ kind: "init", yes: false });
    expect(keyCommand("init-repo", empty, "q", key())).toEqual({ kind: "none" });
  });
});

describe("splitChunk", () => {
  it("separates a final Enter or Tab and every Ctrl-C or Backspace from typed text", () => {
    expect(splitChunk("fix it\r", key())).toEqual([
      ["fix it", key()],
      ["", key({ return: true })],
    ]);
    expect(splitChunk("/un\t", key())).toEqual([
      ["/un", key()],
      ["", key({ tab: true })],
    ]);
    expect(splitChunk("\x03\x03", key())).toEqual([
      ["c", key({ ctrl: true })],
      ["c", key({ ctrl: true })],
    ]);
    expect(splitChunk("ab\x7fc", key())).toEqual([
      ["ab", key()],
      ["", key({ backspace: true })],
      ["c", key()],
    ]);
  });

  it("keeps a paste's inner line breaks and single keys as they are", () => {
    expect(splitChunk("line 1\rline 2", key())).toEqual([["line 1\rline 2", key()]]);
    expect(splitChunk("x", key())).toEqual([["x", key()]]);
    expect(splitChunk("", key({ escape: true }))).toEqual([["", key({ escape: true })]]);
  });
});
