import { describe, expect, it } from "vitest";
import { detectFormat, EditParseError, formats, parseEdits, parseReply, recognizingParser, type Edit, type EditFormat, type ParseEvent } from "../../src/edits/index.js";

/** Feeds `text` in chunks of `size` and collects events (text merged). */
function stream(format: EditFormat, text: string, size: number): { edits: Edit[]; text: string; firstEditAt: number[] } {
  const p = format.createParser();
  const edits: Edit[] = [];
  let prose = "";
  const firstEditAt: number[] = [];
  const take = (evs: ParseEvent[], at: number): void => {
    for (const ev of evs) {
      if (ev.type === "edit") {
        edits.push(ev.edit);
        firstEditAt.push(at);
      } else prose += ev.text;
    }
  };
  for (let i = 0; i < text.length; i += size) take(p.push(text.slice(i, i + size)), i + size);
  take(p.end(), text.length);
  return { edits, text: prose, firstEditAt };
}

const SR = `I'll rename it.

src/a.ts
\`\`\`ts
<<<<<<< SEARCH
const a = 1;
=======
const b = 1;
>>>>>>> REPLACE
\`\`\`

**src/b.ts**
<<<<<<< SEARCH
=======
new file
>>>>>>> REPLACE
Done, two edits.`;

describe("search-replace parser", () => {
  it("reads blocks with their paths, drops fences, keeps prose", () => {
    const r = parseEdits(formats["search-replace"], SR);
    expect(r.edits).toEqual([
      { kind: "search-replace", path: "src/a.ts", search: "const a = 1;\n", replace: "const b = 1;\n" },
      { kind: "search-replace", path: "src/b.ts", search: "", replace: "new file\n" },
    ]);
    expect(r.text).toBe("I'll rename it.\n\n\nDone, two edits.");
  });

  it("gives the same result for any chunking, and reports an edit as soon as its block closes", () => {
    const whole = parseEdits(formats["search-replace"], SR);
    for (const size of [1, 2, 3, 7, 64]) {
      const s = stream(formats["search-replace"], SR, size);
      expect(s.edits).toEqual(whole.edits);
      expect(s.text).toBe(whole.text);
      const close = SR.indexOf(">>>>>>> REPLACE") + ">>>>>>> REPLACE\n".length;
      expect(s.firstEditAt[0]).toBeLessThanOrEqual(close + size);
    }
  });

  it("streams a prose line before it is finished", () => {
    const p = formats["search-replace"].createParser();
    expect(p.push("Here is the ")).toEqual([{ type: "text", text: "Here is the " }]);
    expect(p.push("fix.\n")).toEqual([{ type: "text", text: "fix.\n" }]);
  });

  it("reuses the previous path when a block has none", () => {
    const r = parseEdits(formats["search-replace"], "a.ts\n<<<<<<< SEARCH\nx\n=======\ny\n>>>>>>> REPLACE\n\n<<<<<<< SEARCH\np\n=======\nq\n>>>>>>> REPLACE\n");
    expect(r.edits.map((e) => e.path)).toEqual(["a.ts", "a.ts"]);
  });

  it("throws EditParseError for an unterminated block, a block without a path, and a missing divider", () => {
    expect(() => parseEdits(formats["search-replace"], "a.ts\n<<<<<<< SEARCH\nx\n")).toThrow(EditParseError);
    expect(() => parseEdits(formats["search-replace"], "Some words here\n<<<<<<< SEARCH\nx\n=======\ny\n>>>>>>> REPLACE\n")).toThrow(EditParseError);
    expect(() => parseEdits(formats["search-replace"], "a.ts\n<<<<<<< SEARCH\nx\n>>>>>>> REPLACE\n")).toThrow(/=======/);
  });

  it("treats a reply without blocks as an answer", () => {
    expect(parseEdits(formats["search-replace"], "No change needed.\n")).toEqual({ edits: [], text: "No change needed.\n" });
  });
});

const UDIFF = `Patch:
\`\`\`diff
diff --git a/src/a.ts b/src/a.ts
index 1111111..2222222 100644
--- a/src/a.ts
+++ b/src/a.ts
@@ -1,4 +1,4 @@ function f
 line one

-old
+new
 tail
@@ @@
 ctx
--- removed dashes
+added
--- /dev/null
+++ b/src/new.ts
@@ -0,0 +1,2 @@
+hello
+world
\`\`\`
That is all.`;

describe("udiff parser", () => {
  it("reads files, hunks, blank context lines, a removed '-- ' line, and new files", () => {
    const r = parseEdits(formats.udiff, UDIFF);
    expect(r.edits).toEqual([
      {
        kind: "udiff",
        path: "src/a.ts",
        created: false,
        deleted: false,
        hunks: [
          { oldStart: 1, oldLines: 4, newStart: 1, newLines: 4, section: "function f", lines: [" line one", " ", "-old", "+new", " tail"] },
          { oldStart: null, oldLines: null, newStart: null, newLines: null, section: "", lines: [" ctx", "--- removed dashes", "+added"] },
        ],
      },
      { kind: "udiff", path: "src/new.ts", created: true, deleted: false, hunks: [{ oldStart: 0, oldLines: 0, newStart: 1, newLines: 2, section: "", lines: ["+hello", "+world"] }] },
    ]);
    expect(r.text).toBe("Patch:\nThat is all.");
  });

  it("gives the same result for any chunking", () => {
    const whole = parseEdits(formats.udiff, UDIFF);
    for (const size of [1, 5, 13]) {
      const s = stream(formats.udiff, UDIFF, size);
      expect(s.edits).toEqual(whole.edits);
      expect(s.text).toBe(whole.text);
    }
  });

  it("throws EditParseError for headers without hunks", () => {
    expect(() => parseEdits(formats.udiff, "--- a/x\n+++ b/x\nprose\n")).toThrow(EditParseError);
  });
});

describe("whole parser", () => {
  it("reads a file block, a four-backtick block holding fences, a deletion, and keeps unrelated code blocks as prose", () => {
    const text = "Example:\n```js\nnot an edit\n```\nsrc/a.ts\n```ts\nconst a = 1;\n```\nREADME.md\n````\n# T\n```sh\nrun\n```\n````\nold.ts\n```delete\n```\n";
    const r = parseEdits(formats.whole, text);
    expect(r.edits).toEqual([
      { kind: "whole", path: "src/a.ts", content: "const a = 1;\n" },
      { kind: "whole", path: "README.md", content: "# T\n```sh\nrun\n```\n" },
      { kind: "delete", path: "old.ts" },
    ]);
    expect(r.text).toBe("Example:\n```js\nnot an edit\n```\n");
  });

  it("renders content with fences in a longer fence, and reads it back", () => {
    const edits: Edit[] = [{ kind: "whole", path: "R.md", content: "````\nx\n````\n" }];
    expect(parseEdits(formats.whole, formats.whole.render(edits)).edits).toEqual(edits);
  });

  it("throws EditParseError for an unclosed block", () => {
    expect(() => parseEdits(formats.whole, "a.ts\n```\nx\n")).toThrow(EditParseError);
  });
});

describe("detectFormat", () => {
  it("tells the three formats apart, and finds none in plain prose", () => {
    expect(detectFormat(SR)?.name).toBe("search-replace");
    expect(detectFormat(UDIFF)?.name).toBe("udiff");
    expect(detectFormat("a.ts\n```\nx\n```\n")?.name).toBe("whole");
    expect(detectFormat("Nothing to do here.")).toBeUndefined();
  });
});

describe("instructions", () => {
  it("stay short (under ~250 tokens each, ~4 characters a token)", () => {
    for (const f of Object.values(formats)) expect(f.instructions.length).toBeLessThan(1000);
  });
});

describe("a reply in another format than the one asked", () => {
  const blocks = "a.txt\n<<<<<<< SEARCH\nworld\n=======\nplanet\n>>>>>>> REPLACE\n";
  const srEdit: Edit = { kind: "search-replace", path: "a.txt", search: "world\n", replace: "planet\n" };

  it("is read as what it is: SEARCH/REPLACE asked for whole, whole and udiff asked for search/replace", () => {
    expect(parseReply(formats.whole, `Renaming.\n\n${blocks}`).edits).toEqual([srEdit]);
    expect(parseReply(formats["search-replace"], "a.txt\n```\nhello\nplanet\n```\n").edits).toEqual([{ kind: "whole", path: "a.txt", content: "hello\nplanet\n" }]);
    expect(parseReply(formats["search-replace"], "--- a/a.txt\n+++ b/a.txt\n@@ -1,2 +1,2 @@\n hello\n-world\n+planet\n").edits).toMatchObject([{ kind: "udiff", path: "a.txt" }]);
    expect(parseReply(formats.udiff, blocks).edits).toEqual([srEdit]);
  });

  it("keeps the asked format's reading when it finds edits, and its parse error when nothing else fits", () => {
    // A whole file whose content shows SEARCH/REPLACE blocks stays a whole file (the planner decides about markers).
    expect(parseReply(formats.whole, `doc.md\n\`\`\`\n${blocks}\`\`\`\n`).edits).toEqual([{ kind: "whole", path: "doc.md", content: blocks }]);
    expect(() => parseReply(formats.whole, "a.txt\n```\nunclosed\n")).toThrow(EditParseError);
    expect(parseReply(formats.whole, "No change needed.\n")).toEqual({ edits: [], text: "No change needed.\n" });
  });

  it("streams the asked format's prose and edits as they close", () => {
    const p = recognizingParser(formats.whole);
    expect(p.push("Renaming it now.\n\na.txt\n```\nhello\n")).toEqual([{ type: "text", text: "Renaming it now.\n\n" }]);
    expect(p.push("planet\n```\n")).toEqual([{ type: "edit", edit: { kind: "whole", path: "a.txt", content: "hello\nplanet\n" } }]);
    expect(p.end()).toEqual([]);
  });
});
