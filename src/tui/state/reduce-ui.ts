/**
 * The UI half of the reducer: the turn's start and end, questions and their answers, the work
 * mode, `!CMD` runs, pickers, the mention menu, and the prompt. Pure, like the rest of the state.
 */
import { assertNever } from "../../agent/events.js";
import { editorOf, emptyEditor } from "../input/editor.js";
import { remember } from "../input/history.js";
import { outcomeLine } from "./outcome.js";
import { appendLog, flushProse } from "./scrollback.js";
import type { LiveTurn, TuiState, UiAction } from "./types.js";
import { WORK_MODE_LINES } from "./work-mode.js";

const CORRECTION_HINT = "not applied: type your correction and press Enter";

/** Most characters of a running `!CMD`'s output kept for the screen. */
const SHELL_OUTPUT_KEEP = 64 * 1024;

/** A turn that has just started: nothing streamed yet. */
export function newLiveTurn(task: string, at: number, ask: boolean): LiveTurn {
  return {
    task,
    ask,
    startedAt: at,
    format: undefined,
    text: "",
    flushedRaw: 0,
    flushedProse: 0,
    proposed: {},
    applied: [],
    checkpoints: [],
    outputTokens: 0,
    decodeTps: 0,
    cancelled: false,
    correcting: false,
    error: undefined,
  };
}

/** Where the keyboard goes once a question is answered or a run ends. */
function settled(state: TuiState): TuiState["mode"] {
  return state.live ? "running" : "idle";
}

function withWorkMode(state: TuiState, mode: TuiState["status"]["mode"], hint: string): TuiState {
  return { ...state, status: { ...state.status, mode }, fullInCycle: state.fullInCycle || mode === "full", hint };
}

function answered(state: TuiState, answer: Extract<UiAction, { type: "ui.answer" }>["answer"]): TuiState {
  const q = state.question;
  const next = { ...state, mode: settled(state), question: undefined };
  if (q?.kind === "edit" && answer === "always") return withWorkMode(next, "auto-edit", `${WORK_MODE_LINES["auto-edit"]} (Shift-Tab changes it)`);
  if (q?.kind === "command" && answer === "always") return withWorkMode(next, "full", `${WORK_MODE_LINES.full} (Shift-Tab changes it)`);
  if (q?.kind === "edit" && answer === "edit") return { ...next, live: state.live ? { ...state.live, correcting: true } : undefined, hint: CORRECTION_HINT };
  return next;
}

const clamp = (i: number, n: number): number => (n === 0 ? 0 : Math.max(0, Math.min(n - 1, i)));

/** The next state for a UI action. */
export function reduceUi(state: TuiState, a: UiAction): TuiState {
  switch (a.type) {
    case "ui.progress": {
      const p = state.progress;
      const progress =
        p && p.phase === a.phase && a.done >= p.done
          ? { ...p, done: a.done, total: a.total, at: a.at }
          : { phase: a.phase, done: a.done, total: a.total, startedAt: a.at, startDone: a.done, at: a.at };
      return { ...state, progress };
    }
    case "ui.progress.done":
      return { ...state, progress: undefined };
    case "ui.ask-init":
      return { ...state, mode: "init-repo", cwd: a.cwd };
    case "ui.ready":
      if (state.mode !== "starting" && state.mode !== "init-repo") return state;
      return appendLog({ ...state, mode: "idle" }, [{ kind: "banner", cwd: state.cwd }]);
    case "ui.turn.start": {
      const ask = a.ask === true;
      const started = { ...state, mode: "running" as const, live: newLiveTurn(a.task, a.at, ask), question: undefined, hint: undefined, exitArmed: false, escArmed: false, completions: [], mention: undefined, attachments: [] };
      return appendLog({ ...started, status: { ...state.status, tokensPerSecond: 0 } }, [{ kind: "user", text: a.task, ask }]);
    }
    case "ui.turn.end": {
      if (!state.live) return { ...state, mode: "idle", question: undefined };
      const flushed = flushProse(state.live, true, state.live.ask);
      const done = flushed.live;
      const lastApplied = done.applied.length > 0 ? done.applied.map((f) => ({ path: f.path, diff: done.proposed[f.path] ?? "" })) : state.lastApplied;
      const outcome = outcomeLine(done, a.status);
      const hint = done.correcting && !done.cancelled ? CORRECTION_HINT : undefined;
      const next = { ...state, mode: "idle" as const, live: undefined, question: undefined, lastApplied, hint };
      return appendLog(next, [...flushed.items, { kind: "notice", text: outcome.text, tone: outcome.tone }]);
    }
    case "ui.cancel":
      return state.live ? { ...state, live: { ...state.live, cancelled: true }, hint: "cancelling…" } : state.shell ? { ...state, hint: "stopping…" } : state;
    case "ui.rate":
      return { ...state, status: { ...state.status, tokensPerSecond: a.tokensPerSecond } };
    case "ui.question":
      return { ...state, mode: "approval", question: a.question };
    case "ui.answer":
      return answered(state, a.answer);
    case "ui.work-mode":
      return withWorkMode(state, a.mode, `${WORK_MODE_LINES[a.mode]} (Shift-Tab changes it)`);
    case "ui.shell.start":
      return { ...state, mode: "shell", shell: { command: a.command, output: "" }, hint: undefined, exitArmed: false, escArmed: false, completions: [], mention: undefined };
    case "ui.shell.output":
      return state.shell ? { ...state, shell: { ...state.shell, output: (state.shell.output + a.text).slice(-SHELL_OUTPUT_KEEP) } } : state;
    case "ui.shell.end": {
      const command = state.shell?.command ?? "";
      const next = { ...state, mode: settled(state), shell: undefined, hint: undefined };
      return appendLog(next, [{ kind: "shell", command, exitCode: a.exitCode, output: a.output, cancelled: a.cancelled }]);
    }
    case "ui.attach":
      return { ...state, attachments: [...state.attachments, a.attachment], hint: `the output of \`${a.attachment.command}\` goes with your next message` };
    case "ui.picker":
      return a.picker ? { ...state, mode: "pick", picker: { ...a.picker, selected: clamp(a.picker.selected, a.picker.items.length) }, escArmed: false } : { ...state, mode: settled(state), picker: undefined };
    case "ui.picker.move":
      return state.picker ? { ...state, picker: { ...state.picker, selected: clamp(state.picker.selected + a.delta, state.picker.items.length) } } : state;
    case "ui.mention":
      return { ...state, mention: a.menu && a.menu.items.length > 0 ? { ...a.menu, selected: clamp(a.menu.selected, a.menu.items.length) } : undefined };
    case "ui.mention.move":
      return state.mention ? { ...state, mention: { ...state.mention, selected: clamp(state.mention.selected + a.delta, state.mention.items.length) } } : state;
    case "ui.esc-armed":
      return { ...state, escArmed: a.armed, hint: a.armed ? "press Esc again to rewind to an earlier turn" : state.escArmed ? undefined : state.hint };
    case "ui.log":
      return appendLog(state, [a.item]);
    case "ui.checkpoint":
      return { ...state, status: { ...state.status, checkpoint: a.id } };
    case "ui.clear":
      return { ...state, log: [], epoch: state.epoch + 1, status: { ...state.status, contextUsed: 0, cachedTokens: 0 }, hint: undefined, attachments: [] };
    case "ui.hint":
      return { ...state, hint: a.text };
    case "ui.exit-armed":
      return { ...state, exitArmed: a.armed, hint: a.armed ? "press Ctrl-C again to exit" : state.exitArmed ? undefined : state.hint };
    case "ui.completions":
      return { ...state, completions: a.items };
    case "ui.input": {
      const disarmed = state.exitArmed || state.escArmed;
      return { ...state, input: a.input, exitArmed: false, escArmed: false, hint: disarmed ? undefined : state.hint };
    }
    case "ui.history":
      return { ...state, history: a.history, input: a.input };
    case "ui.submitted":
      return { ...state, history: remember(state.history, a.text), input: emptyEditor, completions: [], mention: undefined };
    case "ui.restore-input":
      return { ...state, input: editorOf(a.text) };
    default:
      return assertNever(a);
  }
}
