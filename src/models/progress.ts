/**
 * Download progress for people and programs: a throttled one-line bar on a TTY stderr, throttled
 * JSONL `download.progress` events with `--json`, and on a plain pipe nothing until one final line.
 */
import type { Writable } from "node:stream";
import type { DownloadProgress } from "./download.js";

/** Options of `createDownloadProgress`. */
export interface DownloadProgressOptions {
  /** Where the bar and the final line go. */
  stderr: Writable & { isTTY?: boolean; columns?: number };
  /** Where JSONL events go (with `json`). */
  stdout: Writable;
  /** Emit JSONL `download.progress` events instead of a bar. Default false. */
  json?: boolean;
  /** What is being downloaded, shown on the bar and the final line. */
  label: string;
  /** Clock in ms. Default `performance.now`. */
  now?: () => number;
  /** Least time between two redraws or events. Default 100 ms on a TTY, 250 ms for JSONL. */
  minIntervalMs?: number;
}

/** A progress display: feed it `update`, then call `finish` (success) or `stop` (failure). */
export interface DownloadProgressReporter {
  update(p: DownloadProgress): void;
  /** Final line (not in JSON mode); says nothing when nothing was downloaded. */
  finish(path: string): void;
  /** Clears the bar so an error prints on a clean line. */
  stop(): void;
}

/** Human size in decimal units (the unit MB/s uses too). */
export function formatBytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`;
  return `${n} B`;
}

function formatDuration(s: number): string {
  if (!Number.isFinite(s)) return "?";
  if (s < 60) return `${Math.ceil(s)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.ceil(s % 60)).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

/** Speed and time left from the bytes this session moved (resumed bytes don't count). */
export interface RateState {
  downloadedBytes: number;
  totalBytes: number;
  /** Bytes received per second in this session. */
  bytesPerSecond: number;
}

/** One bar line fitting `columns`: label, bar, %, bytes, MB/s, ETA. */
export function formatProgressLine(label: string, s: RateState, columns: number): string {
  const known = s.totalBytes > 0;
  const fraction = known ? Math.min(1, s.downloadedBytes / s.totalBytes) : 0;
  const pct = known ? `${Math.floor(fraction * 100)}%`.padStart(4) : "";
  const bytes = known ? `${formatBytes(s.downloadedBytes)}/${formatBytes(s.totalBytes)}` : formatBytes(s.downloadedBytes);
  const speed = `${(s.bytesPerSecond / 1e6).toFixed(1)} MB/s`;
  const eta = known && s.bytesPerSecond > 0 ? `ETA ${formatDuration((s.totalBytes - s.downloadedBytes) / s.bytesPerSecond)}` : "";
  const tail = [pct, bytes, speed, eta].filter((x) => x !== "").join("  ");
  // Room for "LABEL [BAR] " in front of the tail, keeping the last column free (no auto-wrap).
  // Sized for the widest usual tail so the bar does not jump as the numbers change.
  const avail = Math.max(0, columns - 1 - Math.max(tail.length, 44) - 1);
  let labelLen = Math.min(label.length, Math.max(0, avail - 9));
  const barWidth = known ? Math.min(30, avail - labelLen - 4) : 0;
  if (barWidth < 5) labelLen = Math.min(label.length, avail);
  const bar = barWidth >= 5 ? `[${"#".repeat(Math.round(fraction * barWidth)).padEnd(barWidth, "-")}] ` : "";
  const shown = labelLen >= label.length ? label : labelLen > 1 ? `…${label.slice(label.length - labelLen + 1)}` : "";
  return `${shown ? `${shown} ` : ""}${bar}${tail}`.slice(0, Math.max(0, columns - 1));
}

/** Creates the reporter for one download. */
export function createDownloadProgress(opts: DownloadProgressOptions): DownloadProgressReporter {
  const now = opts.now ?? (() => performance.now());
  const tty = opts.stderr.isTTY === true && !opts.json;
  const interval = opts.minIntervalMs ?? (opts.json ? 250 : 100);
  let first: { at: number; bytes: number } | undefined;
  let last: DownloadProgress | undefined;
  let lastEmit = -Infinity;
  let emittedBytes = -1;
  let drawn = false;
  const emitJson = (p: DownloadProgress): void => {
    emittedBytes = p.downloadedBytes;
    opts.stdout.write(`${JSON.stringify({ type: "download.progress", downloadedBytes: p.downloadedBytes, totalBytes: p.totalBytes })}\n`);
  };

  const rate = (p: DownloadProgress, at: number): RateState => {
    const seconds = first ? (at - first.at) / 1000 : 0;
    const moved = first ? p.downloadedBytes - first.bytes : 0;
    return { ...p, bytesPerSecond: seconds > 0 ? moved / seconds : 0 };
  };
  const clear = (): void => {
    if (drawn) opts.stderr.write("\r\x1b[2K");
    drawn = false;
  };

  return {
    update(p) {
      const at = now();
      first ??= { at, bytes: p.downloadedBytes };
      last = p;
      const complete = p.totalBytes > 0 && p.downloadedBytes >= p.totalBytes;
      if (at - lastEmit < interval && !complete) return;
      lastEmit = at;
      if (opts.json) {
        emitJson(p);
      } else if (tty) {
        opts.stderr.write(`\r\x1b[2K${formatProgressLine(opts.label, rate(p, at), opts.stderr.columns || 80)}`);
        drawn = true;
      }
    },
    finish(path) {
      clear();
      // The throttle may have swallowed the last chunk's event; the stream must end on the total.
      if (opts.json && last !== undefined && last.downloadedBytes !== emittedBytes) emitJson(last);
      if (opts.json || last === undefined || first === undefined) return;
      const at = now();
      const moved = last.downloadedBytes - first.bytes;
      const seconds = Math.max(0.001, (at - first.at) / 1000);
      const resumed = first.bytes > 0 ? `, resumed at ${formatBytes(first.bytes)}` : "";
      opts.stderr.write(
        `spark: downloaded ${opts.label} (${formatBytes(last.downloadedBytes)} in ${formatDuration(seconds)}, ${(moved / seconds / 1e6).toFixed(1)} MB/s${resumed}) to ${path}\n`,
      );
    },
    stop: clear,
  };
}
