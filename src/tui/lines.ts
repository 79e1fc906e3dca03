/**
 * What the live parts of the screen say, as pure functions of state and width: the status bar,
 * progress bars, the streaming tail, diff line kinds. Components only color and lay them out.
 */
import path from "node:path";
import { bar, fit, formatBytes, formatCount, formatDuration, formatRate } from "./format.js";
import type { Progress, StatusInfo } from "./state/types.js";

/** A model as people say it: a file's name without `.gguf`, a hub reference without its user. */
export function shortModelName(model: string): string {
  if (/^hf:/.test(model)) return model.replace(/^hf:[^/]+\//, "");
  if (/^https?:\/\//.test(model)) return path.posix.basename(new URL(model).pathname).replace(/\.gguf$/i, "");
  return path.basename(model).replace(/\.gguf$/i, "");
}

/** One piece of the status bar. */
export interface Segment {
  key: "mode" | "model" | "backend" | "speed" | "context" | "cached" | "checkpoint";
  text: string;
}

const SEPARATOR = " · ";

/**
 * The status bar's pieces for `width` columns: work mode, model, backend, tok/s, context bar,
 * cached tokens, last checkpoint. When narrow, the least useful go first, then the bar shrinks,
 * then the model name is cut; the mode always stays (it decides what happens without asking).
 */
export function statusSegments(s: StatusInfo, width: number): Segment[] {
  const model = s.model === undefined ? "loading…" : shortModelName(s.model);
  const used = `${formatCount(s.contextUsed)}/${formatCount(s.contextSize)}`;
  const fraction = s.contextSize > 0 ? s.contextUsed / s.contextSize : 0;
  const checkpoint = s.checkpoint !== undefined ? `checkpoint ${s.checkpoint}` : "";
  const all = (barWidth: number, keep: Set<Segment["key"]>): Segment[] =>
    (
      [
        { key: "mode", text: s.mode },
        { key: "model", text: model },
        { key: "backend", text: s.backend ?? "" },
        { key: "speed", text: `${formatRate(s.tokensPerSecond)} tok/s` },
        { key: "context", text: barWidth > 0 ? `ctx [${bar(fraction, barWidth)}] ${used}` : `ctx ${used}` },
        { key: "cached", text: s.cachedTokens > 0 ? `cached ${formatCount(s.cachedTokens)}` : "" },
        { key: "checkpoint", text: checkpoint },
      ] satisfies Segment[]
    ).filter((seg) => seg.text !== "" && keep.has(seg.key));
  const length = (segs: Segment[]): number => segs.reduce((n, seg) => n + seg.text.length, 0) + SEPARATOR.length * Math.max(0, segs.length - 1);
  const keep = new Set<Segment["key"]>(["mode", "model", "backend", "speed", "context", "cached", "checkpoint"]);
  for (const barWidth of [10, 6]) {
    const segs = all(barWidth, keep);
    if (length(segs) <= width) return segs;
  }
  for (const key of ["cached", "backend"] as const) {
    keep.delete(key);
    const segs = all(6, keep);
    if (length(segs) <= width) return segs;
  }
  // Narrow: no bar, a short checkpoint, then the model name gives way.
  const segs = all(0, keep).map((seg) => (seg.key === "checkpoint" ? { ...seg, text: `ckpt ${s.checkpoint ?? ""}` } : seg));
  const rest = length(segs) - model.length;
  if (width - rest >= Math.min(8, model.length)) return segs.map((seg) => (seg.key === "model" ? { ...seg, text: fit(model, width - rest) } : seg));
  const noModel = segs.filter((seg) => seg.key !== "model");
  return length(noModel) <= width ? noModel : noModel.filter((seg) => seg.key !== "checkpoint");
}

/** The status bar as one plain line (what `statusSegments` draws, joined). */
export function statusLine(s: StatusInfo, width: number): string {
  return fit(statusSegments(s, width).map((seg) => seg.text).join(SEPARATOR), width);
}

/** A progress bar line: what, bar, percent, amounts, rate, time left. */
export function progressLine(p: Progress, width: number): string {
  const label = p.phase === "download" ? "downloading the model" : p.phase === "load" ? "loading the model" : "reading the repository";
  const fraction = p.total > 0 ? Math.min(1, p.done / p.total) : 0;
  const pct = `${Math.floor(fraction * 100)}%`;
  const seconds = (p.at - p.startedAt) / 1000;
  const rate = seconds > 0 ? (p.done - p.startDone) / seconds : 0;
  const eta = rate > 0 ? `ETA ${formatDuration((p.total - p.done) / rate)}` : "";
  const amounts =
    p.phase === "download"
      ? [`${formatBytes(p.done)}/${formatBytes(p.total)}`, rate > 0 ? `${formatBytes(rate)}/s` : ""]
      : p.phase === "prefill"
        ? [`${formatCount(p.done)}/${formatCount(p.total)} tok`, rate > 0 ? `${formatRate(rate)} tok/s` : ""]
        : [];
  const tail = [pct, ...amounts, eta].filter((x) => x !== "").join("  ");
  const barWidth = Math.min(30, width - label.length - tail.length - 4);
  const line = barWidth >= 5 ? `${label} [${bar(fraction, barWidth)}] ${tail}` : `${label} ${tail}`;
  return fit(line, width);
}

/** The last `rows` screen lines of `text` at `width` columns (long lines wrap hard). */
export function tailLines(text: string, width: number, rows: number): string[] {
  if (rows <= 0 || width <= 0 || text.length === 0) return [];
  // Only the end can show, so only the end is split: the cost stays flat as the reply grows. The
  // cut is moved to a wrap boundary of its line, so the pieces are the ones the whole text gives.
  let from = Math.max(0, text.length - rows * (width + 1) * 2);
  if (from > 0 && text[from - 1] !== "\n") {
    const lineStart = text.lastIndexOf("\n", from - 1) + 1;
    from = lineStart + Math.ceil((from - lineStart) / width) * width;
  }
  const window = text.slice(from);
  const out: string[] = [];
  const lines = window.replace(/\n$/, "").split("\n");
  for (let i = lines.length - 1; i >= 0 && out.length < rows; i--) {
    const line = (lines[i] ?? "").replace(/\t/g, "  ");
    const pieces: string[] = [];
    for (let k = 0; k < Math.max(1, line.length); k += width) pieces.push(line.slice(k, k + width));
    for (let k = pieces.length - 1; k >= 0 && out.length < rows; k--) out.unshift(pieces[k] ?? "");
  }
  return out;
}

/** How one line of a unified diff is drawn. */
export type DiffLineKind = "add" | "remove" | "hunk" | "header" | "context";

/** The kind of a unified diff line. */
export function diffLineKind(line: string): DiffLineKind {
  if (line.startsWith("+++ ") || line.startsWith("--- ")) return "header";
  if (line.startsWith("@@")) return "hunk";
  if (line.startsWith("+")) return "add";
  if (line.startsWith("-")) return "remove";
  return "context";
}

/** Added and removed line counts of a unified diff. */
export function diffCounts(diff: string): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const line of diff.split("\n")) {
    const kind = diffLineKind(line);
    if (kind === "add") added++;
    else if (kind === "remove") removed++;
  }
  return { added, removed };
}
