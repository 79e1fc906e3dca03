import { describe, expect, it } from "vitest";
import { bar, formatCount, formatDuration, formatRate } from "../../src/tui/format.js";
import { diffCounts, diffLineKind, progressLine, shortModelName, statusLine, tailLines } from "../../src/tui/lines.js";
import type { StatusInfo } from "../../src/tui/state/types.js";

const status: StatusInfo = {
  mode: "suggest",
  model: "/home/me/models/qwen2.5-coder-1.5b-q8_0.gguf",
  backend: "local",
  contextSize: 131072,
  contextUsed: 45000,
  cachedTokens: 44000,
  files: 120,
  budget: 100000,
  tokensPerSecond: 35.24,
  checkpoint: "12",
};

describe("formatters", () => {
  it("counts, rates, bars, durations", () => {
    expect([950, 1234, 45678, 1_234_567].map(formatCount)).toEqual(["950", "1.2k", "46k", "1.2M"]);
    expect(formatRate(35.24)).toBe("35.2");
    expect(formatRate(Number.NaN)).toBe("0.0");
    expect(bar(0.5, 8)).toBe("####----");
    expect(bar(2, 4)).toBe("####");
    expect([42, 185, 3720, Number.POSITIVE_INFINITY].map(formatDuration)).toEqual(["42s", "3m05s", "1h02m", "?"]);
  });

  it("names models as people say them", () => {
    expect(shortModelName("/m/qwen.Q8_0.gguf")).toBe("qwen.Q8_0");
    expect(shortModelName("hf:Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF:Q8_0")).toBe("Qwen2.5-Coder-1.5B-Instruct-GGUF:Q8_0");
    expect(shortModelName("https://x.test/a/b/model.gguf?download=1")).toBe("model");
  });
});

describe("status line", () => {
  it("shows everything at 120 columns, the work mode first", () => {
    expect(statusLine(status, 120)).toBe("suggest · qwen2.5-coder-1.5b-q8_0 · local · 35.2 tok/s · ctx [###-------] 45k/131k · cached 44k · checkpoint 12");
    expect(statusLine({ ...status, mode: "ask" }, 120)).toMatch(/^ask · qwen/);
  });

  it("fits narrower terminals by shrinking the bar, then dropping cached tokens and the backend", () => {
    expect(statusLine(status, 110)).toBe("suggest · qwen2.5-coder-1.5b-q8_0 · local · 35.2 tok/s · ctx [##----] 45k/131k · cached 44k · checkpoint 12");
    expect(statusLine(status, 100)).toBe("suggest · qwen2.5-coder-1.5b-q8_0 · local · 35.2 tok/s · ctx [##----] 45k/131k · checkpoint 12");
    const line = statusLine(status, 79);
    expect(line).toBe("suggest · qwen2.5-coder-1.5b-q8_0 · 35.2 tok/s · ctx 45k/131k · ckpt 12");
    expect(line.length).toBeLessThanOrEqual(79);
  });

  it("fits 60, 50, 40 and 20 columns: no bar, a short checkpoint, then no model name, then no checkpoint; the mode stays", () => {
    expect(statusLine(status, 60)).toBe("suggest · qwen2.5-cod… · 35.2 tok/s · ctx 45k/131k · ckpt 12");
    expect(statusLine(status, 50)).toBe("suggest · 35.2 tok/s · ctx 45k/131k · ckpt 12");
    expect(statusLine(status, 40)).toBe("suggest · 35.2 tok/s · ctx 45k/131k");
    expect(statusLine(status, 20)).toBe("suggest · 35.2 tok/…");
  });

  it("says loading before the model is known", () => {
    expect(statusLine({ ...status, model: undefined, backend: undefined, checkpoint: undefined, contextSize: 0, contextUsed: 0, cachedTokens: 0, tokensPerSecond: 0 }, 80)).toBe(
      "suggest · loading… · 0.0 tok/s · ctx [----------] 0/0",
    );
  });
});

describe("progress line", () => {
  it("download: bar, percent, bytes, speed, ETA", () => {
    const line = progressLine({ phase: "download", done: 500e6, total: 1500e6, startedAt: 0, startDone: 0, at: 10_000 }, 100);
    expect(line).toBe("downloading the model [##########--------------------] 33%  500.0 MB/1.50 GB  50.0 MB/s  ETA 20s");
  });

  it("prefill: tokens done/total, tok/s, ETA; load: just the fraction", () => {
    expect(progressLine({ phase: "prefill", done: 20_000, total: 60_000, startedAt: 1000, startDone: 0, at: 11_000 }, 79)).toBe(
      "reading the repository [#####---------] 33%  20k/60k tok  2000.0 tok/s  ETA 20s",
    );
    expect(progressLine({ phase: "load", done: 0.25, total: 1, startedAt: 0, startDone: 0, at: 0 }, 60)).toBe("loading the model [########----------------------] 25%");
  });

  it("narrow: drops the bar, then cuts", () => {
    const line = progressLine({ phase: "prefill", done: 10, total: 100, startedAt: 0, startDone: 0, at: 1000 }, 30);
    expect(line.length).toBeLessThanOrEqual(30);
    expect(line.startsWith("reading the repository 10%")).toBe(true);
  });
});

describe("tail lines", () => {
  it("keeps the last rows, wrapping long lines hard", () => {
    expect(tailLines("one\ntwo\nthree\n", 10, 2)).toEqual(["two", "three"]);
    expect(tailLines("abcdefghij", 4, 2)).toEqual(["efgh", "ij"]);
    expect(tailLines("a\n\nb", 10, 5)).toEqual(["a", "", "b"]);
    expect(tailLines("", 10, 5)).toEqual([]);
  });

  it("looks only at the end of a long text", () => {
    const long = `${"x".repeat(1_000_000)}yz\nlast line`;
    expect(tailLines(long, 20, 3)).toEqual(["xxxxxxxxxxxxxxxxxxxx", "yz", "last line"]);
  });
});

describe("diff lines", () => {
  it("classifies and counts", () => {
    const diff = "--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n keep\n-old\n+new\n+more\n";
    expect(diff.split("\n").slice(0, 7).map(diffLineKind)).toEqual(["header", "header", "hunk", "context", "remove", "add", "add"]);
    expect(diffCounts(diff)).toEqual({ added: 2, removed: 1 });
  });
});
