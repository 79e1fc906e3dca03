/** What one verification step costs: `alphaMs + betaMs · batch` (batch = the last token + drafts). */
export interface StepCost {
  alphaMs: number;
  betaMs: number;
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

/** Options of the online step price. */
export interface OnlineStepCostOptions {
  /**
   * Weight each older step keeps per newer step. Default 0.97 (the price follows the host's load
   * within a few dozen steps: on a shared 2-vCPU VM it moved from α 35 / β 20 ms to α 5 / β 30 ms).
   */
  decay?: number;
  /**
   * β/α assumed until steps of different batch sizes were timed. Default 0.5 on a CPU (measured
   * 0.4–0.6 on the 0.5B shape at 2 threads: a batch's logits and matmuls are compute-bound there);
   * a GPU verifies a batch of 32 for about the price of one token, so 0.02 there.
   */
  priorSlope?: number;
  /** How many batch-size units of spread the prior slope is worth. Default 8. */
  priorWeight?: number;
}

/**
 * α and β fitted online by exponentially weighted least squares over timed steps, with the slope
 * pulled toward `priorSlope · α` while the batch sizes seen barely vary (all plain steps say
 * nothing about what a drafted token costs).
 */
export class OnlineStepCost implements StepCostModel {
  private readonly decay: number;
  private readonly priorSlope: number;
  private readonly priorWeight: number;
  private w = 0;
  private sx = 0;
  private sy = 0;
  private sxx = 0;
  private sxy = 0;

  constructor(options: OnlineStepCostOptions = {}) {
    this.decay = options.decay ?? 0.97;
    this.priorSlope = options.priorSlope ?? 0.5;
    this.priorWeight = options.priorWeight ?? 8;
  }

  observe(batch: number, ms: number): void {
    if (!(ms >= 0) || !Number.isFinite(ms)) return;
    const d = this.decay;
    this.w = this.w * d + 1;
    this.sx = this.sx * d + batch;
    this.sy = this.sy * d + ms;
    this.sxx = this.sxx * d + batch * batch;
    this.sxy = this.sxy * d + batch * ms;
  }

  estimate(): StepCost {
    if (this.w === 0) return { alphaMs: 1, betaMs: this.priorSlope };
    const mx = this.sx / this.w;
    const my = this.sy / this.w;
    const varX = Math.max(0, this.sxx - this.w * mx * mx);
    const covXY = this.sxy - this.w * mx * my;
    // The prior slope that keeps the fitted line through the mean: β0 = ρ·α, α = ȳ − β0·x̄.
    const prior = (this.priorSlope * my) / (1 + this.priorSlope * mx);
    const k = this.priorWeight;
    const beta = Math.max(0, (covXY + k * prior) / (varX + k));
    const alpha = Math.max(0.05 * my, my - beta * mx);
    return { alphaMs: alpha, betaMs: beta };
  }
}
