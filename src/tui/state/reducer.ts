/**
 * The TUI's state as a pure reducer over the agent's events and UI actions. The switch is
 * exhaustive: a new agent event does not compile until it is handled here.
 */
import { assertNever, type AgentEvent } from "../../agent/events.js";
import { emptyEditor } from "../input/editor.js";
import { emptyHistory, remember } from "../input/history.js";
import { outcomeLine } from "./outcome.js";
import { proseOf, trimBlankLines } from "./reply-split.js";
import type { Action, LiveTurn, LogItem, TuiState, UiAction } from "./types.js";

const CORRECTION_HINT = "not applied: type your correction and press Enter";

/** The state before anything happened. */
export function initialState(cwd: string, opts: { autoApply?: boolean } = {}): TuiState {
  return {
    mode: "starting",
    log: [],
    nextId: 0,
    epoch: 0,
    status: { model: undefined, backend: undefined, contextSize: 0, contextUsed: 0, cachedTokens: 0, files: 0, budget: 0, tokensPerSecond: 0, checkpoint: undefined },
    progress: undefined,
    live: undefined,
    approval: undefined,
    autoApply: opts.autoApply ?? false,
    lastApplied: [],
    exitArmed: false,
    hint: undefined,
    completions: [],
    input: emptyEditor,
    history: emptyHistory,
    cwd,
  };
}

/** Appends scrollback entries. */
export function appendLog(state: TuiState, items: readonly LogItem[]): TuiState {
  if (items.length === 0) return state;
  let nextId = state.nextId;
  const added = items.map((item) => ({ ...item, id: nextId++ }) as TuiState["log"][number]);
  return { ...state, log: [...state.log, ...added], nextId };
}

/** Moves the prose streamed since the last flush into the scrollback. */
function flushProse(live: LiveTurn, final: boolean): { live: LiveTurn; items: LogItem[] } {
  if (live.format === undefined && !final) return { live, items: [] };
  const prose = proseOf(live.text, live.format, final);
  const fresh = trimBlankLines(prose.slice(live.flushedProse));
  const items: LogItem[] = fresh.length > 0 ? [{ kind: "prose", text: fresh }] : [];
  const next = final ? { ...live, text: "", flushedProse: 0, flushedRaw: 0 } : { ...live, flushedProse: prose.length, flushedRaw: live.text.length };
  return { live: next, items };
}

function withLive(state: TuiState, live: LiveTurn, items: readonly LogItem[] = []): TuiState {
  return appendLog({ ...state, live }, items);
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
      const flushed = flushProse(live, true);
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

function reduceUi(state: TuiState, a: UiAction): TuiState {
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
      const live: LiveTurn = {
        task: a.task,
        startedAt: a.at,
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
      const started = { ...state, mode: "running" as const, live, approval: undefined, hint: undefined, exitArmed: false, completions: [] };
      return appendLog({ ...started, status: { ...state.status, tokensPerSecond: 0 } }, [{ kind: "user", text: a.task }]);
    }
    case "ui.turn.end": {
      if (!state.live) return { ...state, mode: "idle", approval: undefined };
      const flushed = flushProse(state.live, true);
      const done = flushed.live;
      const lastApplied = done.applied.length > 0 ? done.applied.map((f) => ({ path: f.path, diff: done.proposed[f.path] ?? "" })) : state.lastApplied;
      const outcome = outcomeLine(done, a.status);
      const hint = done.correcting && !done.cancelled ? CORRECTION_HINT : undefined;
      const next = { ...state, mode: "idle" as const, live: undefined, approval: undefined, lastApplied, hint };
      return appendLog(next, [...flushed.items, { kind: "notice", text: outcome.text, tone: outcome.tone }]);
    }
    case "ui.cancel":
      return state.live ? { ...state, live: { ...state.live, cancelled: true }, hint: "cancelling…" } : state;
    case "ui.rate":
      return { ...state, status: { ...state.status, tokensPerSecond: a.tokensPerSecond } };
    case "ui.approval.ask":
      return { ...state, mode: "approval", approval: { files: a.files } };
    case "ui.approval.answer": {
      const next = { ...state, mode: state.live ? ("running" as const) : ("idle" as const), approval: undefined };
      if (a.answer === "always") return { ...next, autoApply: true, hint: "applying without asking for the rest of this session" };
      if (a.answer === "edit") return { ...next, live: state.live ? { ...state.live, correcting: true } : undefined, hint: CORRECTION_HINT };
      return next;
    }
    case "ui.auto-apply":
      return { ...state, autoApply: a.on };
    case "ui.log":
      return appendLog(state, [a.item]);
    case "ui.checkpoint":
      return { ...state, status: { ...state.status, checkpoint: a.id } };
    case "ui.clear":
      return { ...state, log: [], epoch: state.epoch + 1, status: { ...state.status, contextUsed: 0, cachedTokens: 0 }, hint: undefined };
    case "ui.hint":
      return { ...state, hint: a.text };
    case "ui.exit-armed":
      return { ...state, exitArmed: a.armed, hint: a.armed ? "press Ctrl-C again to exit" : state.exitArmed ? undefined : state.hint };
    case "ui.completions":
      return { ...state, completions: a.items };
    case "ui.input":
      return { ...state, input: a.input, exitArmed: false, hint: state.exitArmed ? undefined : state.hint };
    case "ui.history":
      return { ...state, history: a.history, input: a.input };
    case "ui.submitted":
      return { ...state, history: remember(state.history, a.text), input: emptyEditor, completions: [] };
    default:
      return assertNever(a);
  }
}

function isUiAction(a: Action): a is UiAction {
  return a.type.startsWith("ui.");
}

/** The next state. */
export function reduce(state: TuiState, action: Action): TuiState {
  return isUiAction(action) ? reduceUi(state, action) : reduceAgent(state, action);
}
