import { median } from "../median.js";

/** What one verification step costs: `alphaMs + betaMs · batch` (batch = the last token + drafts). */
export interface StepCost {
  alphaMs: number;
  betaMs: number;
  /**
   * Measured milliseconds of a step by batch size (index = batch), where known; sizes without an
   * entry are priced on the line. Default none. On a CPU the cost is neither linear nor monotone:
   * matrix kernels work in tiles of columns, so 8 tokens can cost less than 6, and each token past
   * the first few costs less than the line through short batches says (0.5B Q8_0, 2 threads, depth
   * 1.5k: 1 token 23–31 ms, 2 tokens 48–87, 8 tokens 83–123, 64 tokens 397–642).
   */
  batchMs?: readonly (number | undefined)[];
}

/** What a step of `batch` tokens costs at `cost`. */
export function stepMs(cost: StepCost, batch: number): number {
  return cost.batchMs?.[batch] ?? cost.alphaMs + cost.betaMs * batch;
}

/** A price table from timed batches: the median of each size measured (index = batch). */
export function batchCurve(samples: readonly { batch: number; ms: number }[]): (number | undefined)[] {
  const bySize = new Map<number, number[]>();
  for (const s of samples) if (s.batch >= 1 && Number.isFinite(s.ms)) bySize.set(s.batch, [...(bySize.get(s.batch) ?? []), s.ms]);
  const curve: (number | undefined)[] = [];
  for (const [size, ms] of bySize) curve[size] = median(ms);
  return curve;
}

/** Step prices the speculation policy reads, and learns from the steps it times. */
export interface StepCostModel {
  /** The current price (before any step was timed, a guess in relative units: only β/α matters then). */
  estimate(): StepCost;
  observe(batch: number, ms: number): void;
}

/** A price that never changes (benchmarks replay an exact schedule with it). */
export class FixedStepCost implements StepCostModel {
  constructor(private readonly cost: StepCost) {}

  estimate(): StepCost {
    return this.cost;
  }

  observe(): void {}
}

/**
 * Batch sizes (the last token + drafts) the cost-aware policy drafts for when it prices steps per
 * size: every size up to 8, then sizes matrix kernels tile well. Measured on the 0.5B shape (Q8_0,
 * 2 threads, depth 1.5k): a batch of 64 took 594 ms where 63 took 839 and 48 took 629; 8 took 139
 * where 6 took 153 and 7 159. A short list is also learned within a few dozen steps.
 */
export const BATCH_SIZES: readonly number[] = [1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 16, 20, 24, 32, 48, 64];

/** Options of the online step price. */
export interface OnlineStepCostOptions {
  /**
   * Weight each older step keeps per newer step. Default 0.97 (the price follows the host's load
   * within a few dozen steps: on a shared 2-vCPU VM it moved from α 35 / β 20 ms to α 5 / β 30 ms).
   */
  decay?: number;
  /**
   * What a batch costs beyond a plain step before it was measured, as a share of a plain step:
   * `surcharge` for going from one token to a batch at all, `slope` per token after the first.
   * Default on a CPU 0.9 and 0.33 (0.5B Q8_0, 2 threads: a plain step 24 ms, a batch of 2 51–58,
   * 8 86–125, 16 132–190, 32 268–346): one token runs a matrix-vector kernel, a batch the
   * matrix-matrix one, which costs about as much again before it pays off. A GPU verifies a batch
   * of 32 for about the price of one token: pass 0.05 and 0.02 there.
   */
  prior?: { surcharge: number; slope: number };
  /** How many steps' worth the prior is. Default 4 (its slope: 8 batch-size units of spread). */
  priorWeight?: number;
  /** Sizes priced per size, and the only ones the policy drafts for. Default BATCH_SIZES. */
  sizes?: readonly number[];
}

/**
 * A step's price learned online: the plain step p (exponentially weighted mean of batch-1 steps),
 * a batch's extra cost as γ + β·(batch − 1) (weighted least squares over drafted steps, pulled
 * toward the prior while few were seen), and for each size seen at least twice the ratio of what
 * it cost to that line (kernels favour some sizes); a size not seen yet gets the best ratio seen.
 * `estimate()` prices every size in `sizes`.
 */
export class OnlineStepCost implements StepCostModel {
  private readonly decay: number;
  private readonly prior: { surcharge: number; slope: number };
  private readonly priorWeight: number;
  private readonly sizes: readonly number[];
  /** Batch-1 steps: weight and weighted sum of ms. */
  private pw = 0;
  private py = 0;
  /** Drafted steps: weight and weighted sums of x = batch − 1, y = ms. */
  private w = 0;
  private sx = 0;
  private sy = 0;
  private sxx = 0;
  private sxy = 0;
  /** Per size: how often seen, and the running ratio of its cost to the line. */
  private readonly seen = new Map<number, { n: number; ratio: number }>();

  constructor(options: OnlineStepCostOptions = {}) {
    this.decay = options.decay ?? 0.97;
    this.prior = options.prior ?? { surcharge: 0.9, slope: 0.33 };
    this.priorWeight = options.priorWeight ?? 4;
    this.sizes = options.sizes ?? BATCH_SIZES;
  }

  observe(batch: number, ms: number): void {
    if (!(ms > 0) || !Number.isFinite(ms) || batch < 1) return;
    const line = this.lineMs(batch);
    const d = this.decay;
    this.pw *= d;
    this.py *= d;
    this.w *= d;
    this.sx *= d;
    this.sy *= d;
    this.sxx *= d;
    this.sxy *= d;
    if (batch === 1) {
      this.pw += 1;
      this.py += ms;
    } else {
      const x = batch - 1;
      this.w += 1;
      this.sx += x;
      this.sy += ms;
      this.sxx += x * x;
      this.sxy += x * ms;
    }
    if (line !== undefined && line > 0) {
      const known = this.seen.get(batch);
      const ratio = ms / line;
      this.seen.set(batch, known ? { n: known.n + 1, ratio: known.ratio * 0.7 + ratio * 0.3 } : { n: 1, ratio });
    }
  }

  estimate(): StepCost {
    const fit = this.fit();
    if (fit === undefined) return { alphaMs: 1 + this.prior.surcharge - this.prior.slope, betaMs: this.prior.slope, batchMs: this.table({ plain: 1, extra: this.prior.surcharge, slope: this.prior.slope }, false) };
    return { alphaMs: Math.max(0, fit.plain + fit.extra - fit.slope), betaMs: fit.slope, batchMs: this.table(fit, true) };
  }

  /** The fitted line before per-size ratios: plain step, surcharge of a batch, slope per token. */
  private fit(): { plain: number; extra: number; slope: number } | undefined {
    if (this.pw === 0 && this.w === 0) return undefined;
    const k = this.priorWeight;
    const { surcharge, slope } = this.prior;
    // Without plain steps, the plain step the drafted ones imply under the prior shape.
    const plain = this.pw > 0 ? this.py / this.pw : this.sy / (this.w + surcharge * this.w + slope * this.sx);
    if (this.w === 0) return { plain, extra: surcharge * plain, slope: slope * plain };
    const mx = this.sx / this.w;
    const my = this.sy / this.w;
    const varX = Math.max(0, this.sxx - this.w * mx * mx);
    const covXY = this.sxy - this.w * mx * my;
    const beta = Math.max(0, (covXY + 2 * k * slope * plain) / (varX + 2 * k));
    const extra = (this.w * (my - plain - beta * mx) + k * surcharge * plain) / (this.w + k);
    return { plain, extra: Math.max(-0.5 * plain, extra), slope: beta };
  }

  private lineMs(batch: number): number | undefined {
    const fit = this.fit();
    return fit === undefined ? undefined : lineMs(fit, batch);
  }

  private table(fit: { plain: number; extra: number; slope: number }, useRatios: boolean): number[] {
    const out: number[] = [];
    // A size not yet measured is priced as well as the best measured one did against the line, so
    // a line fitted mostly on short batches (dearer per token) does not keep long ones untried.
    let best = 1;
    if (useRatios) for (const [size, known] of this.seen) if (size > 1 && known.n >= 2) best = Math.min(best, known.ratio);
    for (const size of this.sizes) {
      const line = lineMs(fit, size);
      const known = useRatios && size > 1 ? this.seen.get(size) : undefined;
      out[size] = Math.max(0.01, size === 1 ? line : known && known.n >= 2 ? line * known.ratio : line * best);
    }
    return out;
  }
}

/** The fitted price of a batch before per-size ratios: the plain step, or it plus a batch's surcharge and slope. */
function lineMs(fit: { plain: number; extra: number; slope: number }, batch: number): number {
  return batch === 1 ? fit.plain : fit.plain + fit.extra + fit.slope * (batch - 1);
}
