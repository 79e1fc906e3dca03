import type { Draft, Drafter } from "./draft-model.js";
import { stepMs, type StepCost, type StepCostModel } from "./step-cost.js";

/**
 * Cost-aware speculation: each step drafts the number of tokens that maximizes expected tokens per
 * millisecond, from the step price measured now (α + β·batch, plus what drafting itself costs) and
 * the acceptance seen so far, and drafts nothing when no length beats a plain step.
 */

/** Context lengths 0…64 in buckets: every length up to 8, then coarser. */
const BUCKET_EDGES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 16, 24, 32, 48, 64];
const BUCKET_OF = Array.from({ length: 65 }, (_, m) => BUCKET_EDGES.findLastIndex((edge) => edge <= m));

/** Line starts in coarser buckets (they are rarer): context < 4, < 16, < 48, more; × input/output. */
const LINE_START_BUCKET = Array.from({ length: 65 }, (_, m) => (m < 4 ? 0 : m < 16 ? 1 : m < 48 ? 2 : 3));
const LINE_START_CONTEXT = [1, 8, 24, 64];

/**
 * Chance that a drafted token is accepted given that the tokens before it were, by the context the
 * draft rests on (each accepted token adds one), by whether it starts a line, and for a line start
 * by whether the draft copies the input or the output. On 40 held-out real commits (5–12 KB
 * files), lookup drafts inside a line were accepted 70% of the time at a 3-token match and 95% at
 * 16+ tokens; at a line start 20–65% in search/replace and udiff answers (where a block ends or an
 * edited line begins; a udiff line copied from the input never matched, its prefix character
 * differs) but ~99% in whole-file rewrites. Counts per bucket over a prior of (m + 1) / (m + 3)
 * worth two observations (a 3-token match ~0.67, a 30-token copy ~0.94), so a kind of answer where
 * line starts fail teaches it within a few lines.
 */
export class AcceptanceModel {
  private readonly hits = new Float64Array(BUCKET_EDGES.length + 8);
  private readonly trials = new Float64Array(BUCKET_EDGES.length + 8);
  private readonly priorWeight = 2;

  private slot(context: number, lineStart: boolean, fromOutput: boolean): { i: number; m: number } {
    const c = Math.max(0, Math.min(64, Math.floor(context)));
    if (!lineStart) {
      const b = BUCKET_OF[c] ?? 0;
      return { i: b, m: BUCKET_EDGES[b] ?? 0 };
    }
    const b = LINE_START_BUCKET[c] ?? 0;
    return { i: BUCKET_EDGES.length + b * 2 + (fromOutput ? 1 : 0), m: LINE_START_CONTEXT[b] ?? 0 };
  }

  probability(context: number, lineStart = false, fromOutput = false): number {
    const { i, m } = this.slot(context, lineStart, fromOutput);
    const prior = (m + 1) / (m + 3);
    return ((this.hits[i] ?? 0) + this.priorWeight * prior) / ((this.trials[i] ?? 0) + this.priorWeight);
  }

  /** One verified draft position: its context, whether it starts a line, what it copies, and whether it matched. */
  record(context: number, lineStart: boolean, fromOutput: boolean, hit: boolean): void {
    const { i } = this.slot(context, lineStart, fromOutput);
    // Kept across answers, a bucket still follows a change: past this many trials the old
    // evidence is halved.
    if ((this.trials[i] ?? 0) >= 256) {
      this.trials[i] = (this.trials[i] ?? 0) / 2;
      this.hits[i] = (this.hits[i] ?? 0) / 2;
    }
    this.trials[i] = (this.trials[i] ?? 0) + 1;
    if (hit) this.hits[i] = (this.hits[i] ?? 0) + 1;
  }
}

/** Whether a token ends with a line break (so the next one starts a line). */
export type LineBreakTest = (token: number) => boolean;

/**
 * The draft length in 0…`max` that maximizes expected emitted tokens per millisecond:
 * (1 + Σ_j Π_{i<j} q_i) / (step(k + 1) + draftMs·k), where step(b) is the price of a batch of b
 * (from the price table, which then also names the sizes that may be drafted for; else α + β·b), and q_i is draft token i's acceptance
 * (its context, whether the token before it broke the line, what it copies). 0 when no length
 * beats a plain step. (Maximizing expected tokens net of their time at the running rate instead
 * priced 0.01–0.04× lower on the exact schedules of 40 real commits.)
 */
export function bestDraftLength(acceptance: AcceptanceModel, draft: Draft, last: number, max: number, cost: StepCost, breaksLine: LineBreakTest, draftMsPerToken = 0): number {
  let best = 0;
  let bestRate = 1 / stepMs(cost, 1);
  let survive = 1;
  let expected = 1;
  let before = last;
  for (let k = 1; k <= max; k++) {
    survive *= acceptance.probability(draft.context + k - 1, breaksLine(before), draft.fromOutput);
    expected += survive;
    // A price table names the batch sizes that may be drafted for; others are passed over.
    const priced = cost.batchMs === undefined || cost.batchMs[k + 1] !== undefined;
    const rate = priced ? expected / (stepMs(cost, k + 1) + draftMsPerToken * k) : 0;
    if (rate > bestRate) {
      best = k;
      bestRate = rate;
    }
    if (survive < 1e-4) break;
    before = draft.tokens[k - 1] ?? -1;
  }
  return best;
}

/** Options of the speculator. */
export interface SpeculatorOptions {
  /** Most tokens drafted per step. Default 64 (llama-server's ngram-mod drafts 48–64). */
  maxDraft?: number;
  /**
   * Steps between one-token probes of a costly drafter (a draft model) once drafting stopped
   * paying, so a change in acceptance is noticed; each probe that fails doubles the wait (up to
   * 16×), a hit brings it back. Default 16.
   */
  probeEvery?: number;
  /** Which tokens end a line (the acceptance model tells line starts apart). Default: none do. */
  breaksLine?: LineBreakTest;
  /**
   * What was learned of acceptance so far, shared with earlier answers of the same kind (the
   * engine keeps one per sequence, drafter and edit format), so a short answer does not pay again
   * for drafts its predecessors showed to fail. Default a fresh model.
   */
  acceptance?: AcceptanceModel;
}

/** One drafter behind the cost-aware policy, for one generation. */
export class Speculator {
  private readonly acceptance: AcceptanceModel;
  private readonly maxDraft: number;
  private readonly probeEvery: number;
  private readonly breaksLine: LineBreakTest;
  /** The proposal behind the drafts in flight (or, for a plain step, the one not sent). */
  private proposal: Draft = { tokens: [], context: 0 };
  /** The token the proposal follows. */
  private last = -1;
  private sent = 0;
  /** What a costly drafter's token costs; until measured, as much as verifying one (its first call also catches up on the prompt). */
  private draftMsPerToken: number | undefined;
  private idleSteps = 0;
  private probeInterval: number;
  private probing = false;
  /** A costly drafter's tokens guessed right in a row (the context of its next draft). */
  private streak = 0;

  constructor(
    private readonly drafter: Drafter,
    private readonly cost: StepCostModel,
    options: SpeculatorOptions = {},
  ) {
    this.acceptance = options.acceptance ?? new AcceptanceModel();
    this.maxDraft = options.maxDraft ?? 64;
    this.probeEvery = options.probeEvery ?? 16;
    this.probeInterval = this.probeEvery;
    this.breaksLine = options.breaksLine ?? (() => false);
  }

  /**
   * Drafts for the step after `history`, at most `room` tokens; `admit` says how long a prefix of
   * a proposal may be sent at all (a grammar's verdict).
   */
  async draft(history: readonly number[], room: number, admit?: (tokens: readonly number[]) => number): Promise<number[]> {
    const max = Math.min(room, this.maxDraft);
    const price = this.cost.estimate();
    this.last = history[history.length - 1] ?? -1;
    if (this.drafter.cheap) {
      this.proposal = await this.drafter.propose(history, max);
      const admitted = admit && this.proposal.tokens.length > 0 ? admit(this.proposal.tokens) : this.proposal.tokens.length;
      this.sent = bestDraftLength(this.acceptance, this.proposal, this.last, admitted, price, this.breaksLine);
      return this.proposal.tokens.slice(0, this.sent);
    }
    // A costly drafter is asked only for what pays; until it answers, its tokens are unknown.
    const unknown: Draft = { tokens: [], context: this.streak };
    let k = bestDraftLength(this.acceptance, unknown, this.last, max, price, this.breaksLine, this.draftMsPerToken ?? price.betaMs);
    this.probing = k === 0 && max > 0 && ++this.idleSteps >= this.probeInterval;
    if (this.probing) k = 1;
    this.proposal = unknown;
    this.sent = 0;
    if (k === 0) return [];
    this.idleSteps = 0;
    const started = performance.now();
    const { tokens } = await this.drafter.propose(history, k);
    const ms = performance.now() - started;
    if (tokens.length > 0) this.draftMsPerToken = this.draftMsPerToken === undefined ? ms / tokens.length : this.draftMsPerToken * 0.8 + (ms / tokens.length) * 0.2;
    this.proposal = { tokens, context: this.streak };
    this.sent = admit && tokens.length > 0 ? admit(tokens) : tokens.length;
    return tokens.slice(0, this.sent);
  }

  /**
   * After verification: how many of the sent drafts matched, what the step emitted, and its batch
   * and milliseconds. A plain step still checks the unsent proposal's first token (free evidence).
   */
  settle(accepted: number, emitted: readonly number[], batch: number, ms: number): void {
    this.cost.observe(batch, ms);
    const { tokens, context } = this.proposal;
    // Positions verified: the accepted ones and the first rejected one (a plain step: the first).
    const verified = this.sent > 0 ? Math.min(accepted + 1, this.sent) : tokens.length > 0 && emitted.length > 0 ? 1 : 0;
    for (let j = 0; j < verified; j++) {
      const hit = this.sent > 0 ? j < accepted : tokens[0] === emitted[0];
      this.acceptance.record(context + j, this.breaksLine(j === 0 ? this.last : (tokens[j - 1] ?? -1)), this.proposal.fromOutput ?? false, hit);
    }
    if (this.sent > 0) this.streak = accepted === this.sent ? this.streak + accepted : 0;
    if (this.probing) this.probeInterval = accepted > 0 ? this.probeEvery : Math.min(this.probeInterval * 2, this.probeEvery * 16);
    this.probing = false;
    this.drafter.feedback(this.sent, accepted);
  }
}

/** Line-break test by the model's own token texts (looked up once per token). */
export function lineBreaksOf(detokenize: (tokens: number[]) => string): LineBreakTest {
  const known = new Map<number, boolean>();
  return (token) => {
    if (token < 0) return false;
    let breaks = known.get(token);
    if (breaks === undefined) {
      breaks = detokenize([token]).includes("\n");
      known.set(token, breaks);
    }
    return breaks;
  };
}
