import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { createDownloadProgress, formatBytes, formatProgressLine } from "../../src/models/index.js";

function sink(tty = false, columns = 100): { stream: PassThrough & { isTTY?: boolean; columns?: number }; text: () => string } {
  const stream = Object.assign(new PassThrough(), { isTTY: tty, columns });
  let text = "";
  stream.on("data", (d: Buffer) => (text += d.toString()));
  return { stream, text: () => text };
}

/** A clock the test moves by hand. */
function clock(): { now: () => number; advance: (ms: number) => void } {
  let t = 0;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

describe("formatProgressLine", () => {
  it("shows bar, percent, bytes, speed and ETA within the width", () => {
    const line = formatProgressLine("hf:Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF:Q8_0", { downloadedBytes: 500e6, totalBytes: 2e9, bytesPerSecond: 50e6 }, 120);
    expect(line).toContain("hf:Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF:Q8_0");
    expect(line).toMatch(/\[#+-+\]/);
    expect(line).toContain(" 25%");
    expect(line).toContain("500.0 MB/2.00 GB");
    expect(line).toContain("50.0 MB/s");
    expect(line).toContain("ETA 30s");
    expect(line.length).toBeLessThan(120);
  });

  it("shrinks to narrow terminals and copes with an unknown total", () => {
    const narrow = formatProgressLine("a-very-long-label-that-does-not-fit", { downloadedBytes: 1e6, totalBytes: 4e6, bytesPerSecond: 1e6 }, 40);
    expect(narrow.length).toBeLessThan(40);
    expect(narrow).toContain("25%");
    const unknown = formatProgressLine("m", { downloadedBytes: 3e6, totalBytes: 0, bytesPerSecond: 0 }, 80);
    expect(unknown).toBe("m 3.0 MB  0.0 MB/s");
  });

  it("formats sizes in decimal units", () => {
    expect([formatBytes(999), formatBytes(1500), formatBytes(2.5e6), formatBytes(1.894532e9)]).toEqual(["999 B", "1.5 kB", "2.5 MB", "1.89 GB"]);
  });
});

describe("createDownloadProgress", () => {
  it("emits throttled JSONL events ending on the total, and nothing on stderr", () => {
    const out = sink();
    const err = sink();
    const c = clock();
    const p = createDownloadProgress({ stdout: out.stream, stderr: err.stream, json: true, label: "m", now: c.now });
    for (let i = 0; i <= 10; i++) {
      p.update({ downloadedBytes: i * 100, totalBytes: 1000 });
      c.advance(100);
    }
    p.finish("/cache/m.gguf");
    const events = out.text().trim().split("\n").map((l) => JSON.parse(l) as { type: string; downloadedBytes: number; totalBytes: number });
    expect(events.every((e) => e.type === "download.progress" && e.totalBytes === 1000)).toBe(true);
    // Every 250 ms at most (0, 300, 600, 900 ms), plus the completing chunk.
    expect(events.map((e) => e.downloadedBytes)).toEqual([0, 300, 600, 900, 1000]);
    expect(err.text()).toBe("");
  });

  it("ends the JSONL stream on the last byte count even when the total is unknown", () => {
    const out = sink();
    const c = clock();
    const p = createDownloadProgress({ stdout: out.stream, stderr: sink().stream, json: true, label: "m", now: c.now });
    p.update({ downloadedBytes: 0, totalBytes: 0 });
    p.update({ downloadedBytes: 10, totalBytes: 0 });
    p.finish("/x");
    expect(out.text().trim().split("\n").map((l) => (JSON.parse(l) as { downloadedBytes: number }).downloadedBytes)).toEqual([0, 10]);
  });

  it("redraws one line on a TTY, throttled, and clears it before the final line", () => {
    const err = sink(true, 100);
    const c = clock();
    const p = createDownloadProgress({ stdout: sink().stream, stderr: err.stream, label: "hf:u/r:Q8_0", now: c.now });
    p.update({ downloadedBytes: 0, totalBytes: 4e6 });
    c.advance(50);
    p.update({ downloadedBytes: 1e6, totalBytes: 4e6 }); // within 100 ms: not drawn
    c.advance(950);
    p.update({ downloadedBytes: 2e6, totalBytes: 4e6 });
    c.advance(1000);
    p.update({ downloadedBytes: 4e6, totalBytes: 4e6 });
    p.finish("/cache/m.gguf");
    const draws = err.text().split("\r\x1b[2K").filter((s) => s !== "");
    expect(draws).toHaveLength(4);
    expect(draws[1]).toContain(" 50%  2.0 MB/4.0 MB  2.0 MB/s  ETA 1s");
    expect(draws[3]).toBe("spark: downloaded hf:u/r:Q8_0 (4.0 MB in 2s, 2.0 MB/s) to /cache/m.gguf\n");
    expect(err.text()).not.toContain("\n\r");
  });

  it("prints only a final line on a non-TTY, mentioning a resume", () => {
    const err = sink(false);
    const c = clock();
    const p = createDownloadProgress({ stdout: sink().stream, stderr: err.stream, label: "m", now: c.now });
    p.update({ downloadedBytes: 1e6, totalBytes: 3e6 });
    c.advance(1000);
    p.update({ downloadedBytes: 3e6, totalBytes: 3e6 });
    p.finish("/cache/m.gguf");
    expect(err.text()).toBe("spark: downloaded m (3.0 MB in 1s, 2.0 MB/s, resumed at 1.0 MB) to /cache/m.gguf\n");
  });

  it("says nothing when nothing was downloaded", () => {
    const err = sink(true);
    const out = sink();
    const p = createDownloadProgress({ stdout: out.stream, stderr: err.stream, label: "m" });
    p.finish("/x");
    p.stop();
    expect(err.text() + out.text()).toBe("");
  });
});
