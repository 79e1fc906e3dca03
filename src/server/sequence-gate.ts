/**
 * One request at a time per KV sequence, first come first served, with a bounded number of
 * requests waiting across all sequences. A waiter whose client goes away leaves the queue at once.
 */
import { abortError } from "../errors.js";

/** Thrown by `enter` when the queue is full (the server answers 429). */
export class QueueFullError extends Error {
  constructor(readonly waiting: number) {
    super(`the queue is full (${waiting} requests waiting)`);
    this.name = "QueueFullError";
  }
}

/** A place on one sequence: wait for it with `ready`, give it back with `leave`. */
export interface Turn {
  readonly sequence: number;
  /** Resolves when the sequence is this request's; rejects with an AbortError when `signal` fires first. */
  ready(signal?: AbortSignal): Promise<void>;
  /** Gives the place up (running or waiting). Idempotent. */
  leave(): void;
}

interface Slot {
  holder: TurnImpl | undefined;
  queue: TurnImpl[];
}

class TurnImpl implements Turn {
  granted = false;
  left = false;
  private wake: (() => void) | undefined;

  constructor(
    readonly sequence: number,
    private readonly gate: SequenceGate,
  ) {}

  grant(): void {
    this.granted = true;
    this.wake?.();
  }

  ready(signal?: AbortSignal): Promise<void> {
    if (this.granted) return Promise.resolve();
    if (this.left) return Promise.reject(abortError(undefined, "left the queue"));
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        this.leave();
        reject(abortError(signal, "aborted while queued"));
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener("abort", onAbort, { once: true });
      this.wake = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
    });
  }

  leave(): void {
    if (this.left) return;
    this.left = true;
    this.gate.release(this);
  }
}

export class SequenceGate {
  private readonly slots: Slot[];
  private waitingCount = 0;

  /**
   * @param sequences number of KV sequences
   * @param maxWaiting requests that may wait for a busy sequence; one more is QueueFullError
   */
  constructor(
    sequences: number,
    readonly maxWaiting: number,
  ) {
    this.slots = Array.from({ length: sequences }, () => ({ holder: undefined, queue: [] }));
  }

  /** Requests waiting for a sequence. */
  get waiting(): number {
    return this.waitingCount;
  }

  /** Requests holding a sequence. */
  get running(): number {
    return this.slots.filter((s) => s.holder !== undefined).length;
  }

  /** Whether the sequence is in use or has requests waiting for it. */
  busy(sequence: number): boolean {
    const slot = this.slots[sequence];
    return slot !== undefined && (slot.holder !== undefined || slot.queue.length > 0);
  }

  /** Takes a place on `sequence` (granted now when it is free). Throws QueueFullError. */
  enter(sequence: number): Turn {
    const slot = this.slots[sequence];
    if (!slot) throw new RangeError(`no sequence ${sequence}`);
    const turn = new TurnImpl(sequence, this);
    if (slot.holder === undefined && slot.queue.length === 0) {
      slot.holder = turn;
      turn.grant();
      return turn;
    }
    if (this.waitingCount >= this.maxWaiting) throw new QueueFullError(this.waitingCount);
    slot.queue.push(turn);
    this.waitingCount++;
    return turn;
  }

  /** Called by a turn that leaves. */
  release(turn: TurnImpl): void {
    const slot = this.slots[turn.sequence];
    if (!slot) return;
    if (slot.holder === turn) {
      const next = slot.queue.shift();
      slot.holder = next;
      if (next) {
        this.waitingCount--;
        next.grant();
      }
      return;
    }
    const at = slot.queue.indexOf(turn);
    if (at >= 0) {
      slot.queue.splice(at, 1);
      this.waitingCount--;
    }
  }
}
