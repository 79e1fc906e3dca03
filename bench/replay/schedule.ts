import { FixedStepCost, PromptLookupDrafter, Speculator, stepMs, type PromptLookupOptions, type SpeculatorOptions, type StepCost } from "../../src/inference/index.js";

import { median } from "../../src/median.js";

export type { StepCost };

/** Verification steps of a teacher-forced decode. */
export interface Schedule {
  steps: number;
  proposed: number;
  accepted: number;
  /** Target tokens covered after each step (cumulative), for timing a prefix of the run. */
  covered: number[];
  /** Tokens evaluated in each step's batch (the last token plus its drafts). */
  batchSizes: number[];
}

/**
 * The exact step sequence the engine's decode loop runs for `target` when every step's token is
 * forced and speculation prices steps at the fixed `cost` (EngineRequest.stepCost): acceptance is
 * draft == target, which does not depend on the model, so it can be computed without running it
 * (the engine run then measures what each step costs).
 */
export async function lookupSchedule(
  prompt: readonly number[],
  draftSource: readonly number[] | null,
  target: readonly number[],
  cost: StepCost,
  options?: PromptLookupOptions & SpeculatorOptions,
): Promise<Schedule> {
  const speculator = draftSource ? new Speculator(new PromptLookupDrafter(draftSource, options), new FixedStepCost(cost), options) : undefined;
  const history = [...prompt];
  const covered: number[] = [];
  const batchSizes: number[] = [];
  let pos = 0;
  let proposed = 0;
  let accepted = 0;
  while (pos < target.length) {
    const room = target.length - pos - 1;
    const drafts = speculator && room > 0 ? await speculator.draft(history, room) : [];
    let ok = 0;
    while (ok < drafts.length && drafts[ok] === target[pos + ok]) ok++;
    const emitted = target.slice(pos, pos + ok + 1);
    history.push(...emitted);
    pos += emitted.length;
    speculator?.settle(ok, emitted, drafts.length + 1, 0);
    proposed += drafts.length;
    accepted += ok;
    covered.push(pos);
    batchSizes.push(drafts.length + 1);
  }
  return { steps: covered.length, proposed, accepted, covered, batchSizes };
}

/** One timed verification step: tokens in its batch and its milliseconds. */
export interface StepSample {
  batch: number;
  ms: number;
}

/**
 * Fit of ms = α + β·batch over timed steps, robust to the outliers a shared VM produces: α + β is
 * the median plain step (batch 1), β the median over drafted steps of what each cost beyond a
 * plain step per extra token. (A least-squares line through a dozen steps on a busy 2-vCPU VM came
 * out as 0 + 88·batch for one commit and 86 + 0·batch for the next, pricing speculation as
 * hopeless and as free in turn.) Without plain steps it falls back to least squares; with a single
 * batch size β is 0.
 */
export function fitStepCost(samples: readonly StepSample[]): StepCost {
  const plain = samples.filter((s) => s.batch === 1).map((s) => s.ms);
  const drafted = samples.filter((s) => s.batch > 1);
  if (plain.length > 0) {
    const step = median(plain);
    const beta = drafted.length > 0 ? Math.max(0, median(drafted.map((s) => (s.ms - step) / (s.batch - 1)))) : 0;
    return { alphaMs: Math.max(0, step - beta), betaMs: beta };
  }
  const n = samples.length;
  if (n === 0) return { alphaMs: 0, betaMs: 0 };
  const mx = samples.reduce((a, s) => a + s.batch, 0) / n;
  const my = samples.reduce((a, s) => a + s.ms, 0) / n;
  const sxx = samples.reduce((a, s) => a + (s.batch - mx) ** 2, 0);
  const sxy = samples.reduce((a, s) => a + (s.batch - mx) * (s.ms - my), 0);
  const beta = sxx > 0 ? Math.max(0, sxy / sxx) : 0;
  return { alphaMs: Math.max(0, my - beta * mx), betaMs: beta };
}

/** Milliseconds of a whole schedule at the fitted step cost. */
export function scheduleCostMs(cost: StepCost, schedule: Schedule): number {
  return schedule.batchSizes.reduce((a, b) => a + stepMs(cost, b), 0);
}
