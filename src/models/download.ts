/**
 * Resumable single-file download into the model cache.
 *
 * Why our own fetch loop and not node-llama-cpp's `resolveModelFile`/`createModelDownloader`
 * (ipull underneath): measured against a loopback server that drops the connection mid-body,
 * ipull retried from byte 0 (`Range: bytes=0-…`) for its whole 150-retry, 5 s-backoff budget
 * (over 20 s with no end in sight) instead of failing, its retry policy is not reachable through
 * node-llama-cpp's options, and it renames the file to its final name before anyone can check
 * it is a GGUF. Here: the bytes go to `DEST.partial` (with `DEST.partial.json` recording URL,
 * ETag and size), a later run continues with `Range`/`If-Range`, the file is verified and only
 * then renamed to DEST, so the final name never holds a half-written or non-GGUF file.
 */
import { open, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { InterruptedError, ModelError, throwIfAborted } from "../errors.js";
import { acquireFileLock } from "./file-lock.js";
import { fetchError, fetchFailureReason, statusError } from "./http-util.js";

/** Bytes so far and the total (0 while the server has not said). */
export interface DownloadProgress {
  downloadedBytes: number;
  totalBytes: number;
}

/** Options of `downloadToFile`. */
export interface DownloadOptions {
  url: string;
  /** Final path; it appears only once the whole file is there and `verify` passed. */
  dest: string;
  /** Extra request headers (e.g. Authorization). Default none. */
  headers?: Record<string, string>;
  /** Aborting keeps the `.partial` so the next run resumes; throws InterruptedError. */
  signal?: AbortSignal;
  /** Called after each received chunk is written. */
  onProgress?: (p: DownloadProgress) => void;
  /** Checks the complete `.partial` before it is renamed; throw (a ModelError) to reject it. */
  verify?: (partialPath: string) => Promise<void>;
  /** Immediate resumes after a connection that dropped after making progress. Default 5. */
  maxResumes?: number;
  /** First bytes the file must start with; anything else is rejected at once. Default "GGUF". */
  magic?: string;
}

/** Result of a finished download. */
export interface DownloadResult {
  sizeBytes: number;
  /** Bytes that were already in the `.partial` when this call started. */
  resumedFrom: number;
  etag?: string;
}

interface PartialState {
  url: string;
  etag?: string;
  totalBytes: number;
}

async function sizeOf(path: string): Promise<number> {
  return stat(path).then((s) => s.size, () => 0);
}

async function readState(path: string): Promise<PartialState | undefined> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as PartialState;
  } catch {
    return undefined;
  }
}

/** `bytes START-END/TOTAL` → [START, TOTAL]; TOTAL 0 when "*". */
function parseContentRange(value: string | null): [number, number] | undefined {
  const m = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(value?.trim() ?? "");
  if (!m?.[1] || !m[2]) return undefined;
  return [Number(m[1]), m[2] === "*" ? 0 : Number(m[2])];
}

/**
 * A transient failure (dropped connection, 5xx): what is on disk stays for a resume. `restart`:
 * the server refused to continue the partial, which was deleted, so retrying is worth it at once.
 */
class Dropped extends Error {
  constructor(
    message: string,
    readonly restart = false,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Downloads `url` to `dest` via `dest.partial`, resuming what an earlier run left. */
export async function downloadToFile(opts: DownloadOptions): Promise<DownloadResult> {
  const { url, dest, signal } = opts;
  const partial = `${dest}.partial`;
  const statePath = `${partial}.json`;
  const release = await acquireFileLock(`${dest}.lock`, dest);
  try {
    const saved = await readState(statePath);
    if (saved?.url !== url) await rm(partial, { force: true });
    let state: PartialState = saved?.url === url ? saved : { url, totalBytes: 0 };
    const resumedFrom = await sizeOf(partial);
    const maxResumes = opts.maxResumes ?? 5;
    for (let resumes = 0; ; resumes++) {
      throwIfAborted(signal, `download of ${url}`);
      const before = await sizeOf(partial);
      try {
        state = await transfer(opts, partial, state, before);
        await writeFile(statePath, JSON.stringify(state));
        break;
      } catch (err) {
        // The failed try may have recorded the size and ETag; the next one resumes with them.
        const recorded = await readState(statePath);
        if (recorded?.url === url) state = recorded;
        if (!(err instanceof Dropped)) {
          if (!(err instanceof InterruptedError)) await discard(partial, statePath);
          throw err;
        }
        const after = await sizeOf(partial);
        if ((after > before || err.restart) && resumes < maxResumes) continue;
        if (after === 0) {
          await discard(partial, statePath);
          throw new ModelError(`download of ${url} failed: ${err.message}`, { cause: err });
        }
        const of = state.totalBytes > 0 ? ` of ${state.totalBytes}` : "";
        throw new ModelError(`download of ${url} broke off at ${after}${of} bytes (${err.message}); run again to resume`, { cause: err });
      }
    }
    const sizeBytes = await sizeOf(partial);
    try {
      if (state.totalBytes > 0 && sizeBytes !== state.totalBytes) {
        throw new ModelError(`download of ${url} has ${sizeBytes} bytes, the server announced ${state.totalBytes}`);
      }
      await opts.verify?.(partial);
    } catch (err) {
      await discard(partial, statePath);
      throw err;
    }
    await rename(partial, dest);
    await rm(statePath, { force: true });
    return { sizeBytes, resumedFrom, ...(state.etag ? { etag: state.etag } : {}) };
  } finally {
    await release();
  }
}

async function discard(partial: string, statePath: string): Promise<void> {
  await rm(partial, { force: true });
  await rm(statePath, { force: true });
}

/** One HTTP request: appends to `partial` from `offset` (or rewrites it when the server restarts). */
async function transfer(opts: DownloadOptions, partial: string, state: PartialState, offset: number): Promise<PartialState> {
  const { url, signal } = opts;
  const what = `download of ${url}`;
  const headers: Record<string, string> = { ...opts.headers };
  if (offset > 0) {
    if (state.totalBytes > 0 && offset >= state.totalBytes) return state;
    headers.Range = `bytes=${offset}-`;
    // If-Range makes a changed file come back whole (200) instead of spliced onto old bytes.
    if (state.etag && !state.etag.startsWith("W/")) headers["If-Range"] = state.etag;
  }
  let res: Response;
  try {
    res = await fetch(url, { headers, redirect: "follow", ...(signal ? { signal } : {}) });
  } catch (err) {
    const e = fetchError(err, what, signal);
    // Refused or reset before any byte: only a resume with progress is retried.
    throw e instanceof InterruptedError ? e : new Dropped(fetchFailureReason(err), false, { cause: err });
  }
  if (res.status === 416 && offset > 0) {
    await res.body?.cancel();
    await rm(partial, { force: true });
    throw new Dropped("the server refused to resume", true);
  }
  if (res.status !== 200 && res.status !== 206) {
    await res.body?.cancel();
    if (res.status >= 500 || res.status === 429) throw new Dropped(`HTTP ${res.status} ${res.statusText}`.trim());
    throw statusError(res.status, res.statusText, what, url);
  }
  let start = 0;
  let total = Number(res.headers.get("content-length") ?? 0) || 0;
  if (res.status === 206) {
    const range = parseContentRange(res.headers.get("content-range"));
    if (range === undefined || range[0] !== offset) {
      await res.body?.cancel();
      await rm(partial, { force: true });
      throw new Dropped("the server answered a different range", true);
    }
    start = offset;
    total = range[1];
  }
  const etag = res.headers.get("etag") ?? undefined;
  const next: PartialState = { url, totalBytes: total, ...(etag ? { etag } : {}) };
  await receive(opts, res, partial, start, total, next);
  return next;
}

/** Body bytes allowed to wait in memory for the disk before reading pauses. */
const maxQueuedBytes = 32 << 20;

/**
 * Streams the body into `partial`. Chunks are taken off the response as soon as they arrive and
 * written in order behind it: a WHATWG stream that errors (a dropped connection) discards the
 * chunks still queued in it, so reading only after each disk write would lose bytes the server
 * did send, and a resume would redo them.
 */
async function receive(opts: DownloadOptions, res: Response, partial: string, start: number, total: number, state: PartialState): Promise<void> {
  const magic = Buffer.from(opts.magic ?? "GGUF", "latin1");
  const contentType = res.headers.get("content-type") ?? "";
  if (res.body === null) throw new Dropped("empty response");
  const reader = res.body.getReader();
  let written = start;
  let queued = 0;
  let head = Buffer.alloc(0);
  const handleReady = writeFile(`${partial}.json`, JSON.stringify(state)).then(() => open(partial, start === 0 ? "w" : "a"));
  let writing: Promise<unknown> = handleReady.then(() => opts.onProgress?.({ downloadedBytes: written, totalBytes: total }));
  // A write error surfaces where `writing` is awaited; until then it must not count as unhandled.
  writing.catch(() => undefined);
  const append = (bytes: Uint8Array): void => {
    queued += bytes.length;
    writing = writing.then(async () => {
      await (await handleReady).write(bytes);
      queued -= bytes.length;
      written += bytes.length;
      opts.onProgress?.({ downloadedBytes: written, totalBytes: total });
    });
    writing.catch(() => undefined);
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (start === 0 && head.length < magic.length) {
        head = Buffer.concat([head, value]);
        if (head.length >= magic.length && !head.subarray(0, magic.length).equals(magic)) {
          await reader.cancel();
          const kind = contentType ? ` (the server sent ${contentType.split(";")[0]})` : "";
          throw new ModelError(`${opts.url} is not a GGUF file${kind}`);
        }
      }
      append(value);
      if (queued > maxQueuedBytes) await writing;
    }
    await writing;
  } catch (err) {
    // Keep every byte that did arrive: the next try resumes after it.
    await writing.catch(() => undefined);
    if (opts.signal?.aborted) throw new InterruptedError(`download of ${opts.url} interrupted; run again to resume`, { cause: err });
    if (err instanceof ModelError) throw err;
    if ((err as NodeJS.ErrnoException).syscall !== undefined) {
      throw new ModelError(`cannot write ${partial}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
    }
    throw new Dropped(fetchFailureReason(err), false, { cause: err });
  } finally {
    await (await handleReady.catch(() => undefined))?.close();
  }
  if (total > 0 && written < total) throw new Dropped("the connection closed early");
  if (start === 0 && head.length < magic.length) throw new ModelError(`${opts.url} is not a GGUF file (only ${written} bytes)`);
}
