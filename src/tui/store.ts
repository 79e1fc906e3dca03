/**
 * A state container whose listeners hear at most one change per frame while text streams. The
 * reducer runs on every action (cheap: string appends); only the notification is deferred, so
 * a burst of `model.delta` events costs one React render, not one per token.
 */
import type { Action, TuiState } from "./state/types.js";

/** Timer functions, injectable for tests. */
export interface FrameTimer {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

/** Options of `createStore`. */
export interface StoreOptions {
  /** Least time between two notifications caused by streamed text. Default 33 ms (≈ 30 fps). */
  frameMs?: number;
  /** Default: setTimeout/clearTimeout. */
  timer?: FrameTimer;
}

/** The store the controller writes and the components read. */
export interface TuiStore {
  getState(): TuiState;
  dispatch(action: Action): void;
  subscribe(listener: () => void): () => void;
  /** Notifies now if a deferred notification is pending. */
  flush(): void;
}

const realTimer: FrameTimer = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** Actions that only grow streamed text: batched into frames. Everything else shows at once. */
function isStreaming(action: Action): boolean {
  return action.type === "model.delta" || action.type === "ui.rate" || action.type === "ui.progress";
}

/** Creates a store over `reduce`, starting at `initial`. */
export function createStore(reduce: (s: TuiState, a: Action) => TuiState, initial: TuiState, opts: StoreOptions = {}): TuiStore {
  const frameMs = opts.frameMs ?? 33;
  const timer = opts.timer ?? realTimer;
  const listeners = new Set<() => void>();
  let state = initial;
  let pending: unknown;
  let lastNotify = -Infinity;

  const notify = (): void => {
    if (pending !== undefined) timer.clear(pending);
    pending = undefined;
    lastNotify = performance.now();
    for (const l of [...listeners]) l();
  };

  return {
    getState: () => state,
    dispatch(action) {
      const next = reduce(state, action);
      if (next === state) return;
      state = next;
      if (!isStreaming(action)) return notify();
      if (pending !== undefined) return;
      const wait = Math.max(0, frameMs - (performance.now() - lastNotify));
      pending = timer.set(notify, wait);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    flush() {
      if (pending !== undefined) notify();
    },
  };
}
