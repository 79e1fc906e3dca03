import { InterruptedError, isAbortError } from "../errors.js";

/** Throws `InterruptedError` (exit 130) when `signal` has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new InterruptedError();
}

/** Maps any error raised because `signal` fired to `InterruptedError`; other errors pass through. */
export function asInterrupted(err: unknown, signal: AbortSignal | undefined): unknown {
  if (err instanceof InterruptedError) return err;
  if (signal?.aborted || isAbortError(err)) return new InterruptedError(undefined, { cause: err });
  return err;
}
