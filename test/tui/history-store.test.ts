import { appendFileSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { HISTORY_LIMIT } from "../../src/tui/input/history.js";
import { appendHistory, historyFile, loadHistory } from "../../src/tui/input/history-store.js";

describe("prompt history store", () => {
  it("keeps one file per repository; reads entries back oldest first, multi-line intact, skipping torn lines and repeats", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "spark-history-"));
    const a = historyFile(dir, "/repo/a");
    expect(historyFile(dir, "/repo/b")).not.toBe(a);
    expect(await loadHistory(a)).toEqual([]);
    await appendHistory(a, "fix it");
    await appendHistory(a, "fix it");
    await appendHistory(a, "line one\nline two");
    appendFileSync(a, '"torn');
    expect(await loadHistory(a)).toEqual(["fix it", "line one\nline two"]);
  });

  it("reads back at most HISTORY_LIMIT, the newest", async () => {
    const file = historyFile(mkdtempSync(path.join(os.tmpdir(), "spark-history-")), "/repo");
    appendFileSync(file, Array.from({ length: HISTORY_LIMIT + 5 }, (_, i) => `${JSON.stringify(`task ${i}`)}\n`).join(""));
    const entries = await loadHistory(file);
    expect(entries).toHaveLength(HISTORY_LIMIT);
    expect(entries[0]).toBe("task 5");
  });
});
