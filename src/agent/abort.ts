import { InterruptedError, isAbortError } from "../errors.js";

export { throwIfAborted } from "../errors.js";

/** Maps any error raised because `signal` fired to `InterruptedError`; other errors pass through. */
export function asInterrupted(err: unknown, signal: AbortSignal | undefined): unknown {
  if (err instanceof InterruptedError) return err;
  if (signal?.aborted || isAbortError(err)) return new InterruptedError(undefined, { cause: err });
  return err;
}
