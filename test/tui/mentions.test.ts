import { describe, expect, it } from "vitest";
import { acceptMention, mentionAt, mentionedFiles, rankFiles } from "../../src/tui/mentions.js";

const FILES = ["README.md", "docs/guide.md", "src/parser.ts", "src/printer.ts", "test/parser.test.ts"];

describe("@mentions", () => {
  it("finds the mention at the cursor: after whitespace or at the start, not inside a word", () => {
    expect(mentionAt("explain @src/pa", 15)).toEqual({ start: 8, query: "src/pa" });
    expect(mentionAt("@", 1)).toEqual({ start: 0, query: "" });
    expect(mentionAt("mail me@example.com", 19)).toBeUndefined();
    expect(mentionAt("explain @src/pa and more", 24)).toBeUndefined();
    expect(mentionAt("two\n@li", 7)).toEqual({ start: 4, query: "li" });
  });

  it("ranks files fuzzily (fzf), best first; an empty query lists files in order", () => {
    expect(rankFiles(FILES, "prs")[0]).toBe("src/parser.ts");
    expect(rankFiles(FILES, "prn")).toEqual(["src/printer.ts"]);
    expect(rankFiles(FILES, "zzz")).toEqual([]);
    expect(rankFiles(FILES, "", 2)).toEqual(["README.md", "docs/guide.md"]);
  });

  it("replaces the mention with the chosen path and a space, keeping the text after it", () => {
    expect(acceptMention("see @pa now", 7, { start: 4, query: "pa" }, "src/parser.ts")).toEqual({ text: "see @src/parser.ts now", cursor: 19 });
    expect(acceptMention("see @pa", 7, { start: 4, query: "pa" }, "src/parser.ts")).toEqual({ text: "see @src/parser.ts ", cursor: 19 });
  });

  it("reads the files a message mentions: existing ones, once, without trailing punctuation", () => {
    expect(mentionedFiles("compare @src/parser.ts, @src/printer.ts. and @nope.ts or @src/parser.ts", new Set(FILES))).toEqual(["src/parser.ts", "src/printer.ts"]);
    expect(mentionedFiles("ask me@README.md", new Set(FILES))).toEqual([]);
    expect(mentionedFiles("(@./docs/guide.md)", new Set(FILES))).toEqual([]);
    expect(mentionedFiles("see @./docs/guide.md", new Set(FILES))).toEqual(["docs/guide.md"]);
  });
});
