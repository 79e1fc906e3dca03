/**
 * What the context engine would pack for a task, without a model: `spark context` and the TUI's
 * `/context` show it. Tokens are estimates (src/context/tokens.ts).
 */
import path from "node:path";
import { contextReport, packContext, type ContextReport } from "../context/index.js";

export { formatContextReport, type ContextReport } from "../context/index.js";

/** Preview options. */
export interface ContextPreviewOptions {
  root: string;
  task: string;
  budget: number;
  /** Spark's cache folder (the packer's facts live in `<cacheDir>/packer`). Default: none. */
  cacheDir?: string;
  signal?: AbortSignal;
}

/** The report of what `task` would pack at `budget`. */
export async function previewContext(opts: ContextPreviewOptions): Promise<ContextReport> {
  const packed = await packContext({
    root: opts.root,
    task: opts.task,
    budget: opts.budget,
    ...(opts.cacheDir !== undefined ? { cacheDir: path.join(opts.cacheDir, "packer") } : {}),
    ...(opts.signal !== undefined ? { signal: opts.signal } : {}),
  });
  return contextReport(packed);
}
