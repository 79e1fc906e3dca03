/**
 * A state container whose listeners hear streamed text at most once per frame, with frames paced
 * by what they cost. The reducer runs on every action (cheap: string appends); only the
 * notification (a React render and an Ink redraw, on the same thread that drives decoding) is
 * deferred. Each token's next step waits on that thread, so drawing must stay a small share of
 * its time: after each streamed frame the store measures the frame's cost and waits
 * `cost / budget` before the next one.
 */
import type { Action, TuiState } from "./state/types.js";

/** Timer functions, injectable for tests. */
export interface FrameTimer {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

/** Options of `createStore`. */
export interface StoreOptions {
  /** Least time between two frames of streamed text. Default 33 ms (≈ 30 fps). */
  frameMs?: number;
  /** Most time between two frames of streamed text, however costly they are. Default 400 ms. */
  maxFrameMs?: number;
  /** Share of the thread's time streamed frames may take. Default 0.02. */
  budget?: number;
  /** Default: setTimeout/clearTimeout. */
  timer?: FrameTimer;
  /** Clock in ms. Default performance.now. */
  now?: () => number;
}

/** The store the controller writes and the components read. */
export interface TuiStore {
  getState(): TuiState;
  dispatch(action: Action): void;
  subscribe(listener: () => void): () => void;
  /** Notifies now if a deferred notification is pending. */
  flush(): void;
  /** The current wait between streamed frames, ms. */
  frameInterval(): number;
}

const realTimer: FrameTimer = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** Actions that only grow streamed text or numbers: batched into frames. Everything else shows at once. */
function isStreaming(action: Action): boolean {
  return action.type === "model.delta" || action.type === "ui.shell.output" || action.type === "ui.rate" || action.type === "ui.progress";
}

/** Creates a store over `reduce`, starting at `initial`. */
export function createStore(reduce: (s: TuiState, a: Action) => TuiState, initial: TuiState, opts: StoreOptions = {}): TuiStore {
  const minFrame = opts.frameMs ?? 33;
  const maxFrame = Math.max(minFrame, opts.maxFrameMs ?? 400);
  const budget = opts.budget ?? 0.02;
  const timer = opts.timer ?? realTimer;
  const now = opts.now ?? (() => performance.now());
  const listeners = new Set<() => void>();
  let state = initial;
  let pending: unknown;
  let lastNotify = -Infinity;
  /** Smoothed cost of a frame, ms. */
  let cost = 0;

  const interval = (): number => Math.min(maxFrame, Math.max(minFrame, cost / budget));

  const notify = (measure: boolean): void => {
    if (pending !== undefined) timer.clear(pending);
    pending = undefined;
    const start = now();
    lastNotify = start;
    for (const l of [...listeners]) l();
    if (!measure) return;
    // React renders (and Ink draws) in a microtask queued by the listener; this one runs after it.
    queueMicrotask(() => {
      const spent = now() - start;
      cost = cost === 0 ? spent : 0.7 * cost + 0.3 * spent;
    });
  };

  return {
    getState: () => state,
    dispatch(action) {
      const next = reduce(state, action);
      if (next === state) return;
      state = next;
      if (!isStreaming(action)) return notify(false);
      if (pending !== undefined) return;
      const wait = Math.max(0, interval() - (now() - lastNotify));
      pending = timer.set(() => notify(true), wait);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    flush() {
      if (pending !== undefined) notify(false);
    },
    frameInterval: interval,
  };
}
