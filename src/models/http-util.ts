import { InterruptedError, ModelError } from "../errors.js";

const friendly: Readonly<Record<string, string>> = {
  UND_ERR_SOCKET: "the server closed the connection",
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  ENOTFOUND: "host not found",
  ETIMEDOUT: "timed out",
  UND_ERR_CONNECT_TIMEOUT: "connect timed out",
};

/** The innermost useful reason of a failed fetch (undici hides the socket error in `cause`). */
export function fetchFailureReason(err: unknown): string {
  let e: unknown = err;
  for (let i = 0; i < 4 && e instanceof Error && e.cause !== undefined; i++) e = e.cause;
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== undefined) return friendly[code] ?? code;
    return e.message;
  }
  return String(e);
}

/** Turns whatever a fetch threw into InterruptedError (when `signal` fired) or a one-line ModelError. */
export function fetchError(err: unknown, what: string, signal: AbortSignal | undefined): Error {
  if (signal?.aborted) return new InterruptedError(`${what} interrupted`, { cause: err });
  if (err instanceof ModelError || err instanceof InterruptedError) return err;
  return new ModelError(`${what} failed: ${fetchFailureReason(err)}`, { cause: err });
}

/** One line for a non-OK HTTP status. */
export function statusError(status: number, statusText: string, what: string, url: string): ModelError {
  const hint =
    status === 401 || status === 403
      ? " (gated or private? set HF_TOKEN)"
      : status === 404
        ? " (not found)"
        : status === 429
          ? " (rate limited; try again later)"
          : "";
  return new ModelError(`${what} failed: HTTP ${status}${statusText ? ` ${statusText}` : ""}${hint} for ${url}`);
}
