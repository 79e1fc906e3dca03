/**
 * Keys → what they mean in the current mode, as a pure function. The controller carries the
 * command out; nothing here has effects.
 */
import type { Key } from "ink";
import type { Mode } from "../state/types.js";
import * as ed from "./editor.js";
import type { EditorState } from "./editor.js";

/** What a key press asks for. */
export type KeyCommand =
  | { kind: "none" }
  | { kind: "edit"; input: EditorState }
  | { kind: "older" }
  | { kind: "newer" }
  | { kind: "submit"; text: string }
  | { kind: "complete" }
  /** Stop the running turn (Esc or Ctrl-C while it runs or asks). */
  | { kind: "cancel" }
  /** Ctrl-C at the prompt: clears the input, and exits when pressed again. */
  | { kind: "interrupt" }
  /** Esc at the prompt: dismiss completions and hints. */
  | { kind: "dismiss" }
  | { kind: "answer"; answer: "yes" | "no" | "always" | "edit" }
  | { kind: "init"; yes: boolean }
  /** Shift-Tab: the next work mode (suggest → auto-edit → ask …). */
  | { kind: "cycle-mode" }
  /** In a picker (/rewind, --resume): move, choose the selected entry, or close it. */
  | { kind: "pick"; action: "up" | "down" | "choose" | "close" }
  /** While the @mention menu is open: move the selection, or take it. */
  | { kind: "menu"; action: "up" | "down" | "accept" };

/** The key fields the keymap reads (Ink's `Key` has more). */
export type KeyInfo = Pick<Key, "return" | "escape" | "ctrl" | "meta" | "shift" | "tab" | "backspace" | "delete" | "upArrow" | "downArrow" | "leftArrow" | "rightArrow" | "home" | "end">;

/** What else, besides the mode, decides what a key means. */
export interface KeyContext {
  /** The @mention menu is open under the prompt. Default false. */
  menu?: boolean;
}

const ANSWERS: Record<string, "yes" | "no" | "always" | "edit"> = { y: "yes", n: "no", a: "always", e: "edit" };

/** The command for one key press in `mode` with the editor holding `editor`. */
export function keyCommand(mode: Mode, editor: EditorState, input: string, key: KeyInfo, ctx: KeyContext = {}): KeyCommand {
  const ctrlC = key.ctrl && input === "c";
  if (mode === "pick") {
    if (key.upArrow) return { kind: "pick", action: "up" };
    if (key.downArrow) return { kind: "pick", action: "down" };
    if (key.return) return { kind: "pick", action: "choose" };
    if (key.escape || ctrlC) return { kind: "pick", action: "close" };
    return { kind: "none" };
  }
  if (mode === "init-repo") {
    if (input.toLowerCase() === "y") return { kind: "init", yes: true };
    if (input.toLowerCase() === "n" || key.escape || ctrlC) return { kind: "init", yes: false };
    return { kind: "none" };
  }
  if (mode === "approval") {
    if (ctrlC || key.escape) return { kind: "cancel" };
    const answer = ANSWERS[input.toLowerCase()];
    return answer !== undefined && !key.ctrl && !key.meta ? { kind: "answer", answer } : { kind: "none" };
  }
  if ((mode === "running" || mode === "shell") && (ctrlC || key.escape)) return { kind: "cancel" };
  if (key.tab && key.shift) return { kind: "cycle-mode" };
  if (ctrlC) return { kind: "interrupt" };
  if (key.escape) return { kind: "dismiss" };
  if (ctx.menu === true) {
    if (key.upArrow) return { kind: "menu", action: "up" };
    if (key.downArrow) return { kind: "menu", action: "down" };
    if (key.tab || (key.return && !key.meta)) return { kind: "menu", action: "accept" };
  }
  return editKey(editor, input, key);
}

function editKey(s: EditorState, input: string, key: KeyInfo): KeyCommand {
  const edit = (next: EditorState): KeyCommand => ({ kind: "edit", input: next });
  if (key.return) {
    if (key.meta) return edit(ed.insert(s, "\n"));
    const r = ed.enter(s);
    return "submit" in r ? { kind: "submit", text: r.submit } : edit(r.state);
  }
  if (key.tab) return { kind: "complete" };
  // Most terminals send DEL (which Ink calls "delete") for Backspace; forward delete is rare.
  if (key.backspace || key.delete) return edit(ed.backspace(s));
  if (key.leftArrow) return edit(ed.left(s));
  if (key.rightArrow) return edit(ed.right(s));
  if (key.upArrow) {
    const moved = ed.up(s);
    return moved ? edit(moved) : { kind: "older" };
  }
  if (key.downArrow) {
    const moved = ed.down(s);
    return moved ? edit(moved) : { kind: "newer" };
  }
  if (key.home) return edit(ed.home(s));
  if (key.end) return edit(ed.end(s));
  if (key.ctrl) {
    switch (input) {
      case "a":
        return edit(ed.home(s));
      case "e":
        return edit(ed.end(s));
      case "u":
        return edit(ed.killBefore(s));
      case "k":
        return edit(ed.killAfter(s));
      case "w":
        return edit(ed.deleteWord(s));
      case "d":
        return edit(ed.deleteForward(s));
      case "j":
        return edit(ed.insert(s, "\n"));
      default:
        return { kind: "none" };
    }
  }
  if (key.meta || input === "") return { kind: "none" };
  return edit(ed.insert(s, input));
}

/** Ink's key flags with nothing pressed. */
export const NO_KEY: Readonly<KeyInfo> = {
  return: false,
  escape: false,
  ctrl: false,
  meta: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  home: false,
  end: false,
};

/**
 * Splits one chunk of terminal input into key presses. Ink splits escape sequences but not
 * typed text from the keys typed with it, so fast typing (or tmux send-keys) can deliver
 * "fix it\r" or "\x03\x03" at once. Ctrl-C and Backspace count wherever they are; Enter and Tab
 * only at the end (inside a paste they are text).
 */
export function splitChunk(input: string, key: KeyInfo): [string, KeyInfo][] {
  const flagged = Object.values(key).some((v) => v === true);
  if (input.length <= 1 || flagged) return [[input, key]];
  const out: [string, KeyInfo][] = [];
  let text = "";
  const flush = (): void => {
    if (text !== "") out.push([text, NO_KEY]);
    text = "";
  };
  for (let i = 0; i < input.length; i++) {
    const ch = input[i] ?? "";
    const last = i === input.length - 1;
    if (ch === "\x03") {
      flush();
      out.push(["c", { ...NO_KEY, ctrl: true }]);
    } else if (ch === "\x7f" || ch === "\b") {
      flush();
      out.push(["", { ...NO_KEY, backspace: true }]);
    } else if (last && (ch === "\r" || ch === "\t")) {
      flush();
      out.push(["", { ...NO_KEY, return: ch === "\r", tab: ch === "\t" }]);
    } else text += ch;
  }
  flush();
  return out;
}
