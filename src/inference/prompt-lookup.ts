import type { Drafter } from "./draft-model.js";

/**
 * Draft tokens looked up from the input: an edit mostly copies the file being edited, so the
 * tokens that followed the current n-gram in the source are a good guess for what comes next.
 */

const NGRAM = 3;

/**
 * Three token ids as one number (no string per prompt position). Exact for ids < 2^18 (every
 * current vocabulary); a collision above that only costs a draft that verification rejects.
 */
function key(a: number, b: number, c: number): number {
  return (a * 262_144 + b) * 262_144 + c;
}

/** Options of the lookup drafter. */
export interface PromptLookupOptions {
  /**
   * Most tokens proposed at once. Default 32: on a whole-file rewrite of 40 real commits, 32 gave
   * 93% of output tokens from drafts at 15 tokens per step, 16 gave 91% at 10.7 (bench/replay).
   */
  maxDraft?: number;
  /** Fewest tokens proposed when acceptance is poor. Default 2. */
  minDraft?: number;
  /** Draft length before any feedback. Default 16. */
  initialDraft?: number;
  /**
   * Most tokens proposed from a newly found match (the first draft, and the first after the copy
   * lost its place): a 3-gram seen once is weak evidence, and after an edit a long draft from a
   * chance match wastes a whole verification batch. Default 8: on the bench's copy task this took
   * the priced speedup from 1.74× to 2.03×, and on 40 real commits' whole-file rewrites it changed
   * the median by −0.02× (bench/replay schedules, α = 35 ms, β = 20 ms per batch token).
   */
  probeDraft?: number;
  /**
   * After the copy lost its place and no 3-gram matches yet, look for the last token within this
   * many source positions of where the copy would be had the edit replaced token for token, and
   * probe from the nearest match (a two-token match first): the copy resumes one token after an
   * edit instead of three. 0 turns it off. Default 4: priced on exact schedules (α/β 35/20, 40/15,
   * 20/10 ms), the bench copy task 2.03 → 2.14, 2.48 → 2.62, 2.16 → 2.28; 40 real commits'
   * median +0.01…+0.02 whole-file, ±0.01 search/replace, +0.03…+0.05 udiff. Wider windows found
   * chance matches of common tokens (16: search/replace −0.02…−0.04).
   */
  resyncWindow?: number;
  /** Most tokens proposed from such a nearby match. Default 4. */
  resyncDraft?: number;
}

/** Proposes continuations by following the source from the last matching n-gram. */
export class PromptLookupDrafter implements Drafter {
  private readonly source: readonly number[];
  private readonly index = new Map<number, number[]>();
  private cursor = -1;
  private draftLength: number;
  private readonly maxDraft: number;
  private readonly minDraft: number;
  private readonly probeDraft: number;
  private readonly resyncWindow: number;
  private readonly resyncDraft: number;
  /** Where the copy would continue had everything since it lost its place replaced token for token. */
  private anchor = -1;
  /** Whether a draft from the current cursor was accepted (a chance match must not move the anchor). */
  private confirmed = false;

  constructor(source: readonly number[], options: PromptLookupOptions = {}) {
    this.source = source;
    this.maxDraft = options.maxDraft ?? 32;
    this.minDraft = options.minDraft ?? 2;
    this.probeDraft = options.probeDraft ?? 8;
    this.resyncWindow = options.resyncWindow ?? 4;
    this.resyncDraft = options.resyncDraft ?? 4;
    this.draftLength = Math.min(options.initialDraft ?? 16, this.maxDraft);
    for (let i = 0; i + NGRAM <= source.length; i++) {
      const k = key(source[i] ?? -1, source[i + 1] ?? -1, source[i + 2] ?? -1);
      const list = this.index.get(k);
      if (list) list.push(i + NGRAM);
      else this.index.set(k, [i + NGRAM]);
    }
  }

  /**
   * Draft for what follows `history` (all tokens so far, prompt then output). Keeps following
   * the source where the last draft left off; else finds the n-gram's occurrence nearest after it;
   * else, right after an edit, the last token next to where the copy would resume.
   */
  propose(history: readonly number[]): number[] {
    const last = history[history.length - 1];
    if (last === undefined) return [];
    let length = this.draftLength;
    if (!(this.cursor > 0 && this.source[this.cursor - 1] === last)) {
      if (this.cursor >= 0 && this.confirmed) this.anchor = this.cursor;
      this.confirmed = false;
      this.cursor = this.find(history);
      length = Math.min(length, this.probeDraft);
      if (this.cursor < 0) {
        this.cursor = this.nearby(history);
        if (this.cursor < 0) return [];
        length = Math.min(length, this.resyncDraft);
      }
    }
    return this.source.slice(this.cursor, this.cursor + length) as number[];
  }

  /**
   * Feedback after verification: `accepted` of `proposed` drafts matched, and one more token (the
   * model's own) followed them. Grows the draft on full acceptance, shrinks it on early rejection.
   */
  feedback(proposed: number, accepted: number): void {
    if (this.cursor >= 0) this.cursor += accepted + 1;
    if (this.anchor >= 0) this.anchor += accepted + 1;
    if (accepted > 0) this.confirmed = true;
    if (proposed === 0) return;
    if (accepted === proposed) this.draftLength = Math.min(this.maxDraft, this.draftLength * 2);
    else if (accepted < proposed / 2) this.draftLength = Math.max(this.minDraft, Math.floor(this.draftLength / 2));
  }

  private nearby(history: readonly number[]): number {
    if (this.resyncWindow <= 0 || this.anchor < 0) return -1;
    const n = history.length;
    const last = history[n - 1];
    const before = history[n - 2];
    let best = -1;
    let bestScore = Infinity;
    const from = Math.max(1, this.anchor - this.resyncWindow);
    const to = Math.min(this.source.length - 1, this.anchor + this.resyncWindow);
    for (let q = from; q <= to; q++) {
      if (this.source[q - 1] !== last) continue;
      // A two-token match beats any one-token match; then the nearest to the anchor.
      const score = Math.abs(q - this.anchor) + (this.source[q - 2] === before ? 0 : 1_000_000);
      if (score < bestScore) {
        bestScore = score;
        best = q;
      }
    }
    return best;
  }

  private find(history: readonly number[]): number {
    if (history.length < NGRAM) return -1;
    const n = history.length;
    const list = this.index.get(key(history[n - 3] ?? -1, history[n - 2] ?? -1, history[n - 1] ?? -1));
    if (!list || list.length === 0) return -1;
    // Prefer the first occurrence after where we were copying from (sequential copy), else the last.
    const usable = list.filter((p) => p < this.source.length);
    const after = this.cursor >= 0 ? usable.find((p) => p >= this.cursor) : undefined;
    return after ?? usable[usable.length - 1] ?? -1;
  }
}
