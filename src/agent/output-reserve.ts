/**
 * The room kept for the model's reply. A module of its own so `spark context` can size its budget
 * without importing the agent's session (edits, diffs, shell, inference: a quarter second of CPU).
 */

/** Default output reserve for a context of `contextSize` tokens: an eighth, within 1024-16384. */
export function defaultOutputReserve(contextSize: number): number {
  return Math.max(1024, Math.min(16384, Math.round(contextSize / 8)));
}
