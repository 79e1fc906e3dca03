/** Small pure formatters shared by the components (numbers, bars, durations). */

/** 950 → "950", 1234 → "1.2k", 45678 → "46k", 1234567 → "1.2M". */
export function formatCount(n: number): string {
  const v = Math.max(0, Math.round(n));
  if (v < 1000) return String(v);
  if (v < 10_000) return `${(v / 1000).toFixed(1)}k`;
  if (v < 1_000_000) return `${Math.round(v / 1000)}k`;
  return `${(v / 1_000_000).toFixed(1)}M`;
}

/** A rate with one decimal: 35.24 → "35.2". */
export function formatRate(n: number): string {
  return Number.isFinite(n) && n > 0 ? n.toFixed(1) : "0.0";
}

/** A bar of `width` cells, `fraction` of them full. ASCII so it survives any font and NO_COLOR. */
export function bar(fraction: number, width: number): string {
  const w = Math.max(0, Math.floor(width));
  const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const full = Math.round(f * w);
  return `${"#".repeat(full)}${"-".repeat(w - full)}`;
}

/** Seconds as "42s", "3m05s", "1h02m"; "?" when unknown. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  const s = Math.ceil(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

/** Bytes in decimal units. */
export function formatBytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`;
  return `${Math.round(n)} B`;
}

/** `s` cut to `width` columns with an ellipsis (code units; the TUI's own text is ASCII-ish). */
export function fit(s: string, width: number): string {
  if (width <= 0) return "";
  if (s.length <= width) return s;
  return width === 1 ? "…" : `${s.slice(0, width - 1)}…`;
}

/** "1 file" / "3 files". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
