/**
 * The TUI's state as a pure reducer over the agent's events and UI actions. The switch is
 * exhaustive: a new agent event does not compile until it is handled here.
 */
import { assertNever, type AgentEvent } from "../../agent/events.js";
import { emptyEditor } from "../input/editor.js";
import { emptyHistory } from "../input/history.js";
import { reduceUi } from "./reduce-ui.js";
import { appendLog, flushProse, withLive } from "./scrollback.js";
import type { Action, LogItem, TuiState, UiAction, WorkMode } from "./types.js";

export { appendLog } from "./scrollback.js";

/** The state before anything happened. `mode`: what turns may do (default suggest). */
export function initialState(cwd: string, opts: { mode?: WorkMode } = {}): TuiState {
  const mode = opts.mode ?? "suggest";
  return {
    mode: "starting",
    log: [],
    nextId: 0,
    epoch: 0,
    status: { mode, model: undefined, backend: undefined, contextSize: 0, contextUsed: 0, cachedTokens: 0, files: 0, budget: 0, tokensPerSecond: 0, checkpoint: undefined },
    progress: undefined,
    live: undefined,
    question: undefined,
    fullInCycle: mode === "full",
    shell: undefined,
    attachments: [],
    picker: undefined,
    mention: undefined,
    escArmed: false,
    lastApplied: [],
    exitArmed: false,
    hint: undefined,
    completions: [],
    input: emptyEditor,
    history: emptyHistory,
    cwd,
  };
}

function reduceAgent(state: TuiState, ev: AgentEvent): TuiState {
  const live = state.live;
  switch (ev.type) {
    case "session.start": {
      // The first model shows in the status bar; a switch is worth a line.
      const next = { ...state, status: { ...state.status, model: ev.model, backend: ev.backend, contextSize: ev.contextSize } };
      if (state.status.model === undefined) return next;
      return appendLog(next, [{ kind: "notice", text: `model ${ev.model} (${ev.backend}, ${ev.contextSize} tokens of context)`, tone: "ok" }]);
    }
    case "context.packed":
      return { ...state, status: { ...state.status, contextUsed: ev.tokens, cachedTokens: ev.cachedTokens, files: ev.files, budget: ev.budget } };
    case "model.delta":
      return live ? { ...state, live: { ...live, text: live.text + ev.text } } : state;
    case "edit.proposed": {
      if (!live) return appendLog(state, [{ kind: "diff", path: ev.path, diff: ev.diff }]);
      const flushed = flushProse({ ...live, format: ev.format, proposed: { ...live.proposed, [ev.path]: ev.diff } }, false);
      return withLive(state, flushed.live, [...flushed.items, { kind: "diff", path: ev.path, diff: ev.diff }]);
    }
    case "edit.failed": {
      const failure: LogItem = { kind: "edit-failed", path: ev.path, reason: ev.reason };
      if (!live) return appendLog(state, [failure]);
      const flushed = flushProse(live, false);
      return withLive(state, flushed.live, [...flushed.items, failure]);
    }
    case "checkpoint":
      return {
        ...state,
        status: { ...state.status, checkpoint: ev.id },
        live: live ? { ...live, checkpoints: [...live.checkpoints, ev.id] } : live,
      };
    case "edit.applied":
      return live ? { ...state, live: { ...live, applied: [...live.applied, { path: ev.path, added: ev.added, removed: ev.removed }] } } : state;
    case "test.result":
      return appendLog(state, [{ kind: "test", command: ev.command, exitCode: ev.exitCode, output: ev.output }]);
    case "stats": {
      const status = { ...state.status, tokensPerSecond: ev.decodeTps, cachedTokens: ev.cachedTokens, contextUsed: ev.promptTokens + ev.outputTokens };
      if (!live) return { ...state, status };
      const flushed = flushProse(live, true, live.ask);
      // The turn's rate is the token-weighted mean of its rounds' decode rates.
      const decodeMs = (t: number, tps: number): number => (tps > 0 && t > 1 ? ((t - 1) / tps) * 1000 : 0);
      const ms = decodeMs(live.outputTokens, live.decodeTps) + decodeMs(ev.outputTokens, ev.decodeTps);
      const tokens = live.outputTokens + ev.outputTokens;
      const decodeTps = ms > 0 ? Math.round(((tokens - 1) / ms) * 10000) / 10 : ev.decodeTps;
      return withLive({ ...state, status }, { ...flushed.live, outputTokens: tokens, decodeTps }, flushed.items);
    }
    case "error":
      if (live) return { ...state, live: { ...live, error: { message: ev.message, code: ev.code } } };
      return appendLog(state, [{ kind: "notice", text: ev.message, tone: "error" }]);
    case "session.end":
      return state;
    default:
      return assertNever(ev);
  }
}

function isUiAction(a: Action): a is UiAction {
  return a.type.startsWith("ui.");
}

/** The next state. */
export function reduce(state: TuiState, action: Action): TuiState {
  return isUiAction(action) ? reduceUi(state, action) : reduceAgent(state, action);
}
