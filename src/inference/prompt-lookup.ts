import type { Draft, Drafter } from "./draft-model.js";
import { EditBlockTracker, type EditBlockTokenizer } from "./edit-blocks.js";
import { lineBreaksOf, type LineBreakTest } from "./speculation.js";

/**
 * Draft tokens looked up from what was read and written so far: an edit mostly copies the file
 * being edited, a REPLACE block mostly copies its SEARCH block, a second round repeats the first.
 * The lookup runs over one growing token stream, the source (the prompt) followed by the output as
 * it is written (as SuffixDecoding drafts from prompt and output), indexed by 3-grams.
 */

const NGRAM = 3;
/** Longest match length measured (the acceptance model's buckets end there). */
const MAX_CONTEXT = 64;
/** Occurrences of a 3-gram compared by match length (the most recent ones). */
const MAX_CANDIDATES = 32;

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
   * After the copy lost its place and no 3-gram matches yet, look for the last token within this
   * many source positions of where the copy would be had the edit replaced token for token, and
   * draft from the nearest match (a two-token match first): the copy resumes one token after an
   * edit instead of three. 0 turns it off. Default 4: priced on exact schedules (α/β 35/20, 40/15,
   * 20/10 ms), the bench copy task 2.03 → 2.14, 2.48 → 2.62, 2.16 → 2.28; 40 real commits'
   * median +0.01…+0.02 whole-file, ±0.01 search/replace, +0.03…+0.05 udiff. Wider windows found
   * chance matches of common tokens (16: search/replace −0.02…−0.04).
   */
  resyncWindow?: number;
  /** Index the output as it is written, so drafts can copy it too. Default true. */
  fromOutput?: boolean;
  /**
   * For an answer asked to write SEARCH/REPLACE blocks: the model's tokenizer, to read the blocks
   * in the output and draft what their structure predicts (edit-blocks.ts), and to match a line's
   * first tokens against line starts when no 3-gram matches yet (a SEARCH block's first line).
   * Default: none (plain lookup; in whole-file and udiff answers both cost 0.02–0.03× on the
   * replay's exact schedules).
   */
  editBlocks?: EditBlockTokenizer;
  /** Context reported for a draft the block structure predicts. Default 16. */
  structureContext?: number;
  /** At a REPLACE block's line start with nothing to copy, draft its closing marker. Default true. */
  closeWhenLost?: boolean;
  /** Match a line's first tokens against line starts (with `editBlocks`). Default true. */
  lineStarts?: boolean;
  /** Which tokens end a line, for line starts. Default: `lineBreaksOf` the tokenizer's texts (a memo of its own). */
  breaksLine?: LineBreakTest;
}

/** Stands for "a line break" in the line-start keys (above every vocabulary's ids). */
const LINE = 262_143;

/** Proposes continuations by following the stream from the best matching n-gram. */
export class PromptLookupDrafter implements Drafter {
  readonly cheap = true;
  private readonly stream: number[];
  private readonly sourceLength: number;
  private readonly index = new Map<number, number[]>();
  private readonly resyncWindow: number;
  private readonly fromOutput: boolean;
  /** Where the output starts in the history (known at the first proposal). */
  private outputStart = -1;
  private cursor = -1;
  /** Where the copy would continue had everything since it lost its place replaced token for token. */
  private anchor = -1;
  /** Whether a draft from the current cursor was accepted (a chance match must not move the anchor). */
  private confirmed = false;
  private readonly blocks: EditBlockTracker | undefined;
  private readonly breaks: ((token: number) => boolean) | undefined;
  private readonly structureContext: number;
  private readonly closeWhenLost: boolean;
  /** Output tokens the block tracker has seen. */
  private tracked = 0;

  constructor(source: readonly number[], options: PromptLookupOptions = {}) {
    this.stream = [...source];
    this.sourceLength = source.length;
    this.resyncWindow = options.resyncWindow ?? 4;
    this.fromOutput = options.fromOutput ?? true;
    this.structureContext = options.structureContext ?? 16;
    this.closeWhenLost = options.closeWhenLost ?? true;
    const tokenizer = options.editBlocks;
    if (tokenizer) this.blocks = new EditBlockTracker(tokenizer);
    // The engine passes its own memo: indexing a prompt asks about every token in it, each generation.
    if (tokenizer && (options.lineStarts ?? true)) this.breaks = options.breaksLine ?? lineBreaksOf((tokens) => tokenizer.text(tokens));
    for (let i = 0; i < this.stream.length; i++) this.indexAt(i);
  }

  /**
   * Indexes the 3-gram ending at stream position `i` (its continuation starts at i + 1), and when
   * a line starts at i - 1 or i - 2, its first tokens behind a line-break mark.
   */
  private indexAt(i: number): void {
    const s = this.stream;
    if (i >= NGRAM - 1) this.add(key(s[i - 2] ?? -1, s[i - 1] ?? -1, s[i] ?? -1), i + 1);
    if (this.breaks) {
      if (i === 0 || this.breaks(s[i - 1] ?? -1)) this.add(key(LINE, LINE, s[i] ?? -1), i + 1);
      if (i >= 1 && (i === 1 || this.breaks(s[i - 2] ?? -1))) this.add(key(LINE, s[i - 1] ?? -1, s[i] ?? -1), i + 1);
    }
  }

  private add(k: number, at: number): void {
    const list = this.index.get(k);
    if (list) list.push(at);
    else this.index.set(k, [at]);
  }

  /** Appends the output written since the last call to the stream. */
  private follow(history: readonly number[]): void {
    if (this.outputStart < 0) this.outputStart = history.length;
    if (this.blocks) for (; this.outputStart + this.tracked < history.length; this.tracked++) this.blocks.push(history[this.outputStart + this.tracked] ?? -1);
    if (!this.fromOutput) return;
    const written = this.sourceLength + (history.length - this.outputStart);
    for (let h = this.outputStart + (this.stream.length - this.sourceLength); this.stream.length < written; h++) {
      this.stream.push(history[h] ?? -1);
      this.indexAt(this.stream.length - 1);
    }
  }

  /**
   * Up to `max` tokens for what follows `history` (all tokens so far, prompt then output). Keeps
   * following the stream where the last draft left off; else takes the 3-gram occurrence whose
   * preceding tokens match the history longest (on a tie the source, then the first after the old
   * place, then the most recent); else,
   * right after an edit, the last token next to where the copy would resume.
   */
  propose(history: readonly number[], max: number): Draft {
    this.follow(history);
    const last = history[history.length - 1];
    if (last === undefined || max <= 0) return { tokens: [], context: 0 };
    const hint = this.blocks?.hint();
    if (hint && "tokens" in hint) {
      // A marker line: the copy lost its place (the next proposal looks it up again).
      if (this.cursor >= 0 && this.confirmed) this.anchor = this.cursor;
      this.cursor = -1;
      this.confirmed = false;
      return { tokens: hint.tokens.slice(0, max), context: this.structureContext, fromOutput: true };
    }
    let context: number | undefined;
    if (hint && this.fromOutput && this.sourceLength + hint.copyFrom < this.stream.length) {
      if (this.cursor >= 0 && this.confirmed) this.anchor = this.cursor;
      this.confirmed = false;
      this.cursor = this.sourceLength + hint.copyFrom;
      context = this.structureContext;
    } else if (!(this.cursor > 0 && this.cursor < this.stream.length && this.stream[this.cursor - 1] === last)) {
      if (this.cursor >= 0 && this.confirmed) this.anchor = this.cursor;
      this.confirmed = false;
      this.cursor = this.find(history);
      if (this.cursor < 0) this.cursor = this.nearby(history);
      if (this.cursor < 0) this.cursor = this.lineStartMatch(history);
      if (this.cursor < 0) return this.closing(max);
    }
    let tokens: readonly number[] = this.stream.slice(this.cursor, this.cursor + max);
    if (this.blocks) tokens = this.blocks.rewrite(tokens, this.cursor >= this.sourceLength ? this.cursor - this.sourceLength : -1);
    context ??= this.matchLength(history, this.cursor);
    return { tokens: tokens.slice(0, max), context, fromOutput: this.cursor >= this.sourceLength };
  }

  /** With nothing to copy at a line start of a REPLACE block: the marker that closes it. */
  private closing(max: number): Draft {
    if (!this.blocks?.replacing || !this.closeWhenLost) return { tokens: [], context: 0 };
    return { tokens: this.blocks.closer.slice(0, max), context: this.structureContext, fromOutput: true };
  }

  /**
   * The current line's first one or two tokens matched against line starts (a SEARCH block's
   * first line after its marker, a path line after prose): the first such line after where the
   * copy left off, else the source's first.
   */
  private lineStartMatch(history: readonly number[]): number {
    if (!this.breaks) return -1;
    const n = history.length;
    const a = history[n - 1] ?? -1;
    const b = history[n - 2] ?? -1;
    let k: number;
    if (this.breaks(b)) k = key(LINE, LINE, a);
    else if (this.breaks(history[n - 3] ?? -1) && !this.breaks(a)) k = key(LINE, b, a);
    else return -1;
    const list = this.index.get(k);
    if (!list) return -1;
    let end = list.length;
    while (end > 0 && (list[end - 1] ?? 0) >= this.stream.length) end--;
    if (end === 0) return -1;
    const place = this.anchor >= 0 ? this.anchor : 0;
    const after = firstAtOrAfter(list, end, place);
    return (after < end ? list[after] : list[0]) ?? -1;
  }

  /**
   * After verification: `accepted` of `proposed` drafts matched, and one more token (the model's
   * own) followed them.
   */
  feedback(proposed: number, accepted: number): void {
    if (this.cursor >= 0) this.cursor += accepted + 1;
    if (this.anchor >= 0) this.anchor += accepted + 1;
    if (accepted > 0) this.confirmed = true;
  }

  /** How many tokens before stream position `at` equal the end of the history (at most 64). */
  private matchLength(history: readonly number[], at: number): number {
    const n = history.length;
    let m = 0;
    while (m < MAX_CONTEXT && at - 1 - m >= 0 && this.stream[at - 1 - m] === history[n - 1 - m]) m++;
    return m;
  }

  private nearby(history: readonly number[]): number {
    if (this.resyncWindow <= 0 || this.anchor < 0) return -1;
    const n = history.length;
    const last = history[n - 1];
    const before = history[n - 2];
    let best = -1;
    let bestScore = Infinity;
    const from = Math.max(1, this.anchor - this.resyncWindow);
    const to = Math.min(this.stream.length - 1, this.anchor + this.resyncWindow);
    for (let q = from; q <= to; q++) {
      if (this.stream[q - 1] !== last) continue;
      // A two-token match beats any one-token match; then the nearest to the anchor.
      const score = Math.abs(q - this.anchor) + (this.stream[q - 2] === before ? 0 : 1_000_000);
      if (score < bestScore) {
        bestScore = score;
        best = q;
      }
    }
    return best;
  }

  private find(history: readonly number[]): number {
    const n = history.length;
    if (n < NGRAM) return -1;
    const list = this.index.get(key(history[n - 3] ?? -1, history[n - 2] ?? -1, history[n - 1] ?? -1));
    if (!list) return -1;
    let best = -1;
    let bestLength = -1;
    let end = list.length;
    while (end > 0 && (list[end - 1] ?? 0) >= this.stream.length) end--;
    // The first occurrence after the old place (a sequential copy), then the most recent ones.
    const after = this.cursor >= 0 ? firstAtOrAfter(list, end, this.cursor) : end;
    const candidates = after < end ? [list[after] as number] : [];
    for (let i = end - 1; i >= Math.max(0, end - MAX_CANDIDATES); i--) if (i !== after) candidates.push(list[i] as number);
    for (const p of candidates) {
      // On equal match lengths the source wins over the output (udiff answers: +0.02× on the
      // exact schedules of 40 real commits, neutral elsewhere).
      const m = this.matchLength(history, p) * 2 + (p <= this.sourceLength ? 1 : 0);
      if (m > bestLength) {
        bestLength = m;
        best = p;
      }
    }
    return best;
  }
}

/** Index of the first entry ≥ `value` among the first `end` entries of a sorted list (end if none). */
function firstAtOrAfter(list: readonly number[], end: number, value: number): number {
  let lo = 0;
  let hi = end;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((list[mid] ?? 0) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
