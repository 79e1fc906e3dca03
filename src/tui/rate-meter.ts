/**
 * The live tok/s while a reply streams. Deltas are text, not tokens, so the meter counts the
 * tokens of what arrived since its last reading, at most every `intervalMs`: one tokenizer call
 * per reading, never one per token. The measured rate replaces it when the round's stats arrive.
 */

/** Options of `RateMeter`. */
export interface RateMeterOptions {
  /** Token count of a piece of text (the backend's tokenizer). */
  count: (text: string) => Promise<number>;
  /** Called with each new reading (tokens per second after the first token). */
  onRate: (tokensPerSecond: number) => void;
  /** Clock in ms. Default performance.now. */
  now?: () => number;
  /** Least time between readings. Default 250 ms. */
  intervalMs?: number;
}

/** Measures one round at a time; `reset` between rounds. */
export class RateMeter {
  private firstAt: number | undefined;
  private lastReading = 0;
  private tokens = 0;
  private pending = "";
  private counting = false;
  private round = 0;
  private readonly now: () => number;
  private readonly intervalMs: number;

  constructor(private readonly opts: RateMeterOptions) {
    this.now = opts.now ?? (() => performance.now());
    this.intervalMs = opts.intervalMs ?? 250;
  }

  /** Text that just streamed. */
  push(text: string): void {
    const t = this.now();
    if (this.firstAt === undefined) {
      this.firstAt = t;
      this.lastReading = t;
    }
    this.pending += text;
    if (this.counting || t - this.lastReading < this.intervalMs) return;
    this.lastReading = t;
    void this.read(t);
  }

  /** Starts over (a round ended). */
  reset(): void {
    this.round++;
    this.firstAt = undefined;
    this.tokens = 0;
    this.pending = "";
    this.counting = false;
  }

  private async read(at: number): Promise<void> {
    const round = this.round;
    const text = this.pending;
    this.pending = "";
    this.counting = true;
    let n: number;
    try {
      n = await this.opts.count(text);
    } catch {
      n = 0; // a failed count only makes the estimate low; the stats event corrects it
    }
    if (round !== this.round || this.firstAt === undefined) return;
    this.counting = false;
    this.tokens += n;
    const seconds = (at - this.firstAt) / 1000;
    if (seconds > 0 && this.tokens > 1) this.opts.onRate((this.tokens - 1) / seconds);
  }
}
