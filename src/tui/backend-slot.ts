/**
 * The session's model: opened in the background (the prompt is usable while it downloads and
 * loads), waited for by turns, swapped by /model, closed on exit. Progress is throttled here.
 */
import { formatError, InterruptedError } from "../errors.js";
import type { Backend } from "../inference/index.js";
import type { Action, Progress } from "./state/types.js";

/** Progress of opening a backend (download bytes, load fraction, prefill tokens). */
export interface OpenProgress {
  phase: Progress["phase"];
  done: number;
  total: number;
}

/** Opens a backend for a model URI (undefined: the default model). */
export type OpenBackend = (model: string | undefined, onProgress: (p: OpenProgress) => void, signal: AbortSignal) => Promise<Backend>;

/** Most progress redraws per second. */
const PROGRESS_INTERVAL_MS = 100;

/** Holds at most one backend. */
export class BackendSlot {
  private backend: Backend | undefined;
  private ready: Promise<Backend | undefined> = Promise.resolve(undefined);
  private lastProgressAt = -Infinity;
  private phase: Progress["phase"] | undefined;
  private closed = false;

  constructor(
    private readonly open: OpenBackend,
    private readonly dispatch: (a: Action) => void,
    private readonly now: () => number,
    private readonly cwd: string,
    private readonly signal: AbortSignal,
  ) {}

  /** The open backend, if any. */
  get current(): Backend | undefined {
    return this.backend;
  }

  /** Starts opening `model` (closing the one held first). Failures become an error line. */
  load(model: string | undefined): void {
    const old = this.backend;
    this.backend = undefined;
    this.ready = (async () => {
      await old?.close().catch(() => undefined);
      try {
        const backend = await this.open(model, (p) => this.onProgress(p), this.signal);
        if (this.closed) {
          await backend.close().catch(() => undefined);
          return undefined;
        }
        this.backend = backend;
        const { info } = backend;
        this.dispatch({ type: "session.start", model: info.model, backend: info.backend, contextSize: info.contextSize, cwd: this.cwd });
        return backend;
      } catch (err) {
        if (!this.closed) {
          const text = `${formatError(err)} (/model URI loads another, /exit leaves)`;
          this.dispatch({ type: "ui.log", item: { kind: "notice", text, tone: "error" } });
        }
        return undefined;
      } finally {
        this.dispatch({ type: "ui.progress.done" });
      }
    })();
  }

  /** The backend once open (undefined when opening failed); rejects when `signal` fires first. */
  wait(signal: AbortSignal): Promise<Backend | undefined> {
    if (this.backend) return Promise.resolve(this.backend);
    return new Promise((resolve, reject) => {
      const onAbort = (): void => reject(new InterruptedError());
      signal.addEventListener("abort", onAbort, { once: true });
      this.ready.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
    });
  }

  /** Closes the backend (and one still opening, once it opens). */
  async close(): Promise<void> {
    this.closed = true;
    const b = this.backend ?? (await Promise.race([this.ready, Promise.resolve(undefined)]));
    this.backend = undefined;
    await b?.close().catch(() => undefined);
  }

  private onProgress(p: OpenProgress): void {
    if (p.total <= 0) return;
    if (p.done >= p.total) {
      this.phase = undefined;
      return this.dispatch({ type: "ui.progress.done" });
    }
    const t = this.now();
    if (this.phase === p.phase && t - this.lastProgressAt < PROGRESS_INTERVAL_MS) return;
    this.phase = p.phase;
    this.lastProgressAt = t;
    this.dispatch({ type: "ui.progress", phase: p.phase, done: p.done, total: p.total, at: t });
  }
}
