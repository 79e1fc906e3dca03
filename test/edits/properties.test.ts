import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  applyPlan,
  createMemoryFs,
  EditApplyError,
  EditParseError,
  EditRefusedError,
  formats,
  parseEdits,
  planEdits,
  type Edit,
  type FormatName,
  type MemoryFs,
  type UdiffHunk,
} from "../../src/edits/index.js";

const text = (lines: string[]): string => lines.map((l) => l + "\n").join("");
const char = fc.constantFrom(..."abcXYZ019 _(){}<>=+-*/'\"`@#.,;:\\\t".split(""));
const line = fc.string({ unit: char, maxLength: 12 });
const path = fc.stringMatching(/^[a-z][a-z0-9_]{0,6}(\/[a-z0-9_]{1,6}){0,2}\.(ts|md)$/);

// Lines the search/replace parser would read as its own markers are not well-formed content.
const srLine = line.filter((l) => !/^={5,9}\s*$/.test(l) && !/^>{5,9} ?REPLACE<?\s*$/.test(l));
const srEdit = fc.record({ kind: fc.constant("search-replace" as const), path, search: fc.array(srLine, { maxLength: 5 }).map(text), replace: fc.array(srLine, { maxLength: 5 }).map(text) });

const hunkLine = fc
  .tuple(fc.constantFrom(" ", "-", "+"), line)
  .map(([p, l]) => p + l)
  .filter((l) => !l.startsWith("--- ") && !l.startsWith("-- ", 1));
const numbers = fc.option(fc.tuple(fc.nat(999), fc.nat(99), fc.nat(999), fc.nat(99)), { nil: undefined });
const hunk: fc.Arbitrary<UdiffHunk> = fc.record({ nums: numbers, section: fc.constantFrom("", "function f()"), lines: fc.array(hunkLine, { minLength: 1, maxLength: 6 }) }).map(({ nums, section, lines }) => ({
  oldStart: nums?.[0] ?? null,
  oldLines: nums?.[1] ?? null,
  newStart: nums?.[2] ?? null,
  newLines: nums?.[3] ?? null,
  section,
  lines,
}));
const udiffEdit = fc
  .record({ path, hunks: fc.array(hunk, { minLength: 1, maxLength: 3 }), created: fc.boolean(), deleted: fc.boolean() })
  .filter((e) => !(e.created && e.deleted))
  .map((e) => ({ kind: "udiff" as const, ...e }));

const wholeEdit = fc.oneof(
  fc.record({ kind: fc.constant("whole" as const), path, content: fc.array(fc.oneof(line, fc.constantFrom("```", "````ts", "``")), { maxLength: 6 }).map(text) }),
  fc.record({ kind: fc.constant("delete" as const), path }),
);

const EDITS: Record<FormatName, fc.Arbitrary<Edit[]>> = {
  "search-replace": fc.array(srEdit, { minLength: 1, maxLength: 4 }),
  udiff: fc.array(udiffEdit, { minLength: 1, maxLength: 3 }),
  whole: fc.array(wholeEdit, { minLength: 1, maxLength: 3 }),
};

describe("render and parse", () => {
  for (const name of Object.keys(EDITS) as FormatName[]) {
    it(`${name}: parse(render(edits)) gives the edits back, and rendering that again gives the same text`, () => {
      fc.assert(
        fc.property(EDITS[name], fc.integer({ min: 1, max: 9 }), (edits, chunk) => {
          const f = formats[name];
          const rendered = f.render(edits);
          const parser = f.createParser();
          const got: Edit[] = [];
          for (let i = 0; i < rendered.length; i += chunk) for (const ev of parser.push(rendered.slice(i, i + chunk))) if (ev.type === "edit") got.push(ev.edit);
          for (const ev of parser.end()) if (ev.type === "edit") got.push(ev.edit);
          expect(got).toEqual(edits);
          expect(f.render(got)).toBe(rendered);
        }),
        { numRuns: 150 },
      );
    });
  }
});

describe("parsing arbitrary input", () => {
  const noise = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.uint8Array({ maxLength: 200 }).map((b) => new TextDecoder().decode(b)),
    fc.array(fc.oneof(line, fc.constantFrom("<<<<<<< SEARCH", "=======", ">>>>>>> REPLACE", "--- a/x", "+++ b/x", "@@ -1 +1 @@", "```", "````", "a.ts", "")), { maxLength: 20 }).map(text),
  );
  for (const name of Object.keys(EDITS) as FormatName[]) {
    it(`${name}: only ever yields events or EditParseError, and planning the result only typed errors`, async () => {
      await fc.assert(
        fc.asyncProperty(noise, async (input) => {
          let edits: Edit[] = [];
          try {
            edits = parseEdits(formats[name], input).edits;
          } catch (err) {
            expect(err).toBeInstanceOf(EditParseError);
            return;
          }
          const fs = createMemoryFs();
          fs.put("/repo/a.ts", "a\nb\n");
          try {
            await applyPlan("/repo", await planEdits("/repo", edits, { fs }), { fs });
          } catch (err) {
            expect(err instanceof EditApplyError || err instanceof EditRefusedError).toBe(true);
          }
        }),
        { numRuns: 150 },
      );
    });
  }
});

function snapshot(fs: MemoryFs, prefix: string): [string, string | undefined][] {
  return fs
    .paths()
    .filter((p) => p.startsWith(prefix))
    .map((p) => [p, fs.text(p)]);
}

describe("applying", () => {
  const riskyPath = fc.constantFrom("../x.ts", "/outside/y.ts", "link/z.ts", "a/../../q.ts", ".git/config", "inlink/ok.ts", "in/ok.ts", "/repo/in/abs.ts", "in/../in2/k.ts", "gitlink/HEAD", "in");
  const edit = fc.oneof(
    fc.record({ kind: fc.constant("search-replace" as const), path: riskyPath, search: fc.constantFrom("", "x\n"), replace: fc.constant("owned\n") }),
    fc.record({ kind: fc.constant("whole" as const), path: riskyPath, content: fc.constant("owned\n") }),
    fc.record({ kind: fc.constant("delete" as const), path: riskyPath }),
  );

  it("never writes outside the repo or inside .git/", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 4 }), async (edits) => {
        const fs = createMemoryFs();
        fs.put("/repo/.git/HEAD", "ref\n");
        fs.put("/repo/in/x.ts", "x\n");
        fs.put("/outside/y.ts", "x\n");
        fs.put("/x.ts", "x\n");
        fs.symlink("/repo/link", "/outside");
        fs.symlink("/repo/inlink", "/repo/in");
        fs.symlink("/repo/gitlink", "/repo/.git");
        const outside = snapshot(fs, "/outside");
        const git = snapshot(fs, "/repo/.git");
        const root = snapshot(fs, "/x.ts");
        try {
          await applyPlan("/repo", await planEdits("/repo", edits, { fs }), { fs });
        } catch (err) {
          expect(err instanceof EditApplyError || err instanceof EditRefusedError).toBe(true);
        }
        expect(snapshot(fs, "/outside")).toEqual(outside);
        expect(snapshot(fs, "/repo/.git")).toEqual(git);
        expect(snapshot(fs, "/x.ts")).toEqual(root);
        expect(fs.paths().every((p) => p.startsWith("/repo/") || p.startsWith("/outside/") || p === "/x.ts")).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it("changes nothing when one edit of the response fails", async () => {
    const files = fc.array(fc.array(line.filter((l) => !l.includes("@")), { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 3 });
    await fc.assert(
      fc.asyncProperty(files, fc.nat(), fc.nat(), async (contents, pickA, pickB) => {
        const fs = createMemoryFs();
        contents.forEach((c, i) => fs.put(`/repo/f${i}.ts`, text(c)));
        const before = snapshot(fs, "/");
        // Good edits: whole-file rewrites; the bad one: a SEARCH text no file contains (no line has "@").
        const edits: Edit[] = contents.map((c, i) => ({ kind: "whole", path: `f${i}.ts`, content: text([...c, "changed"]) }));
        const bad: Edit = { kind: "search-replace", path: `f${pickA % contents.length}.ts`, search: "@@nowhere@@\n", replace: "x\n" };
        edits.splice(pickB % (edits.length + 1), 0, bad);
        await expect(planEdits("/repo", edits, { fs })).rejects.toBeInstanceOf(EditApplyError);
        expect(snapshot(fs, "/")).toEqual(before);
      }),
      { numRuns: 100 },
    );
  });
});
