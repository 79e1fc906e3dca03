import type { CheckpointInfo } from "./types.js";

/** Where checkpoints live. */
export const CHECKPOINT_PREFIX = "refs/spark/checkpoints/";

// The last line of a checkpoint's commit message: the metadata as one JSON line (JSON escapes
// newlines and NULs, so any task text survives).
const META_KEY = "Spark-Checkpoint: ";

interface StoredMeta {
  v: 1;
  task: string;
  time: string;
  files: string[];
  /** See `CheckpointInfo.after`; absent when not recorded. */
  after?: Record<string, string | null>;
}

/** Commit message for a checkpoint: a readable subject, then the metadata line. */
export function checkpointMessage(id: string, task: string, time: Date, files: string[], after?: Record<string, string | null>): string {
  const firstLine = task.split("\n")[0]?.trim() ?? "";
  const subject = firstLine.length > 72 ? `${firstLine.slice(0, 71)}…` : firstLine;
  const meta: StoredMeta = { v: 1, task, time: time.toISOString(), files, ...(after ? { after } : {}) };
  return `spark checkpoint ${id}: ${subject}\n\n${META_KEY}${JSON.stringify(meta)}\n`;
}

/** `for-each-ref` format whose output `parseCheckpointRefs` reads. */
export const CHECKPOINT_REF_FORMAT = "%(refname)%00%(committerdate:unix)%00%(contents)%00";

/** Checkpoints from `for-each-ref --format=CHECKPOINT_REF_FORMAT`, newest (highest id) first. */
export function parseCheckpointRefs(out: string): CheckpointInfo[] {
  const fields = out.split("\0");
  const list: CheckpointInfo[] = [];
  for (let i = 0; i + 2 < fields.length; i += 3) {
    const ref = (fields[i] ?? "").replace(/^\n/, "");
    const id = ref.slice(CHECKPOINT_PREFIX.length);
    if (!ref.startsWith(CHECKPOINT_PREFIX) || !/^[1-9]\d*$/.test(id)) continue;
    const meta = readMeta(fields[i + 2] ?? "");
    const fallbackTime = new Date(Number(fields[i + 1] ?? 0) * 1000);
    list.push({
      id,
      ref,
      time: meta ? new Date(meta.time) : fallbackTime,
      task: meta?.task ?? (fields[i + 2] ?? "").split("\n")[0] ?? "",
      files: meta?.files ?? [],
      ...(meta?.after ? { after: meta.after } : {}),
    });
  }
  return list.sort((a, b) => Number(b.id) - Number(a.id));
}

function isAfter(v: unknown): v is Record<string, string | null> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && Object.values(v).every((h) => h === null || typeof h === "string");
}

function readMeta(message: string): StoredMeta | null {
  const line = message
    .split("\n")
    .reverse()
    .find((l) => l.startsWith(META_KEY));
  if (!line) return null;
  try {
    const m = JSON.parse(line.slice(META_KEY.length)) as Partial<StoredMeta>;
    if (typeof m.task !== "string" || typeof m.time !== "string" || !Array.isArray(m.files)) return null;
    if (Number.isNaN(new Date(m.time).getTime())) return null;
    const files = m.files.filter((f): f is string => typeof f === "string");
    return { v: 1, task: m.task, time: m.time, files, ...(isAfter(m.after) ? { after: m.after } : {}) };
  } catch {
    return null;
  }
}
