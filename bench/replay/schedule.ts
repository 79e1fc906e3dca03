import { PromptLookupDrafter } from "../../src/inference/prompt-lookup.js";

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
 * forced: acceptance is draft == target, which does not depend on the model, so it can be
 * computed without running it (the engine run then measures what each step costs).
 */
export function lookupSchedule(prompt: readonly number[], draftSource: readonly number[] | null, target: readonly number[]): Schedule {
  const drafter = draftSource ? new PromptLookupDrafter(draftSource) : undefined;
  const history = [...prompt];
  const covered: number[] = [];
  const batchSizes: number[] = [];
  let pos = 0;
  let proposed = 0;
  let accepted = 0;
  while (pos < target.length) {
    const room = target.length - pos - 1;
    const drafts = drafter ? drafter.propose(history).slice(0, Math.max(0, room)) : [];
    let ok = 0;
    while (ok < drafts.length && drafts[ok] === target[pos + ok]) ok++;
    const emitted = target.slice(pos, pos + ok + 1);
    history.push(...emitted);
    pos += emitted.length;
    drafter?.feedback(drafts.length, ok);
    proposed += drafts.length;
    accepted += ok;
    covered.push(pos);
    batchSizes.push(drafts.length + 1);
  }
  return { steps: covered.length, proposed, accepted, covered, batchSizes };
}

/**
 * A step costs about α + β·(tokens in its batch). The plain run prices α + β (batch 1); the timed
 * speculative run, whose batch sizes are known, gives β. Returns the cost of a whole schedule.
 */
export function scheduleCostMs(plainStepMs: number, timedMs: number, timed: Schedule, full: Schedule): number {
  const n = timed.steps;
  const batched = timed.batchSizes.reduce((a, b) => a + b, 0);
  const beta = batched > n ? Math.max(0, (timedMs - n * plainStepMs) / (batched - n)) : 0;
  const alpha = Math.max(0, plainStepMs - beta);
  return full.steps * alpha + beta * full.batchSizes.reduce((a, b) => a + b, 0);
}
