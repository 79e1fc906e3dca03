import { getEncoding } from "js-tiktoken";
import { describe, expect, it } from "vitest";
import { formatForFile, formatForReply, WHOLE_FILE_MAX_TOKENS } from "../../src/agent/format-choice.js";
import { firstMessages, SYSTEM_PROMPT, taskText } from "../../src/agent/prompt.js";
import { formats } from "../../src/edits/index.js";

describe("the lean prompt", () => {
  it("keeps the system text with both edit formats' rules under 1,000 tokens", () => {
    // cl100k: the vocabulary of the Qwen2.5-Coder-shape bench fixtures, close to Qwen's own.
    const tokens = getEncoding("cl100k_base").encode(SYSTEM_PROMPT).length;
    console.log(`system prompt: ${tokens} tokens (cl100k), ${SYSTEM_PROMPT.length} characters`);
    expect(tokens).toBeLessThanOrEqual(1000);
    expect(SYSTEM_PROMPT).toContain(formats.whole.instructions);
    expect(SYSTEM_PROMPT).toContain(formats["search-replace"].instructions);
  });

  it("is the same for every task (a stable prefix), with the variable parts last", () => {
    const a = firstMessages({ context: "x.ts\n```\nx\n```\n\n", task: "one", format: "whole", scope: ["x.ts"] });
    const b = firstMessages({ context: "x.ts\n```\nx\n```\n\n", task: "two", format: "search-replace" });
    expect(a[0]).toEqual(b[0]);
    expect(a[1]?.content.startsWith("x.ts\n```\nx\n```\n\n# Task\none\n")).toBe(true);
    expect(taskText({ task: "t", format: "whole", scope: ["a.ts", "b.ts"], newFiles: ["c.ts"] })).toBe(
      "# Task\nt\n\nNew files to create: c.ts.\nEdit only: a.ts, b.ts.\nWrite edits as whole-file blocks (way 1).",
    );
  });
});

describe("format choice", () => {
  it("rewrites small files whole and uses search/replace for large ones and mixed replies", () => {
    expect(formatForFile(WHOLE_FILE_MAX_TOKENS)).toBe("whole");
    expect(formatForFile(WHOLE_FILE_MAX_TOKENS + 1)).toBe("search-replace");
    expect(formatForReply([{ tokens: 10 }, { tokens: 20 }])).toBe("whole");
    expect(formatForReply([{ tokens: 10 }, { tokens: WHOLE_FILE_MAX_TOKENS + 1 }])).toBe("search-replace");
    expect(formatForReply([])).toBe("search-replace");
  });
});
