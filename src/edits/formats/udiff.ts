import type { Edit, EditFormat, EditParser, UdiffHunk } from "../types.js";
import { COMMON_GBNF } from "./path-line.js";
import { UdiffParser } from "./udiff-parser.js";

function hunkHeader(h: UdiffHunk): string {
  const nums =
    h.oldStart === null || h.oldLines === null || h.newStart === null || h.newLines === null
      ? "@@ @@"
      : `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`;
  return h.section.length > 0 ? `${nums} ${h.section}` : nums;
}

function render(edits: readonly Edit[]): string {
  return edits
    .map((e) => {
      if (e.kind !== "udiff") throw new TypeError(`udiff cannot render a ${e.kind} edit`);
      const head = `--- ${e.created ? "/dev/null" : `a/${e.path}`}\n+++ ${e.deleted ? "/dev/null" : `b/${e.path}`}\n`;
      return head + e.hunks.map((h) => `${hunkHeader(h)}\n${h.lines.map((l) => l + "\n").join("")}`).join("");
    })
    .join("");
}

// Prose never starts like a diff line; a removed line never starts with "-- " (it would read as
// the next file's `--- ` header); a hunk's first line is not blank (trailing blank lines of a hunk
// are separators, so a hunk of blank lines only would be empty).
const GRAMMAR = String.raw`root ::= pline* (fdiff pline*)*
pline ::= ([^+@ \\\n-] any)? "\n"
fdiff ::= fhead hunk+
fhead ::= "--- a/" path "\n+++ b/" path "\n" | "--- /dev/null\n+++ b/" path "\n" | "--- a/" path "\n+++ /dev/null\n"
hunk ::= "@@ -" num ("," num)? " +" num ("," num)? " @@" any "\n" hfirst "\n" hline*
num ::= [0-9]{1,6}
hline ::= hfirst? "\n"
hfirst ::= " " any | "-" mline | "+" any | "\\ No newline at end of file"
mline ::= ([^\n-] any | "-" ([^\n-] any)? | "--" ([^ \n] any)?)?
${COMMON_GBNF}
`;

const INSTRUCTIONS = `To change files, reply with a unified diff (like diff -U3):

--- a/path/to/file.ts
+++ b/path/to/file.ts
@@ -12,4 +12,5 @@
 an unchanged line, starting with a space
-a removed line
+an added line
 another unchanged line

Rules:
- Copy unchanged and removed lines exactly from the file, including indentation.
- Give about 3 unchanged lines around each change so it can be found; line numbers may be approximate.
- Start a new @@ hunk for each separate change; hunks in file order.
- New file: --- /dev/null and every line starting with +. Deleted file: +++ /dev/null.
- Text outside the diff is your answer to the user. If no change is needed, just answer.`;

/** Unified diffs (`--- a/…`, `+++ b/…`, `@@` hunks); located by content, line numbers only as hints. */
export const udiffFormat: EditFormat = {
  name: "udiff",
  instructions: INSTRUCTIONS,
  grammar: GRAMMAR,
  createParser: (): EditParser => new UdiffParser(),
  render,
};
