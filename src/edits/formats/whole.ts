import { EditParseError } from "../errors.js";
import type { Edit, EditFormat, EditParser } from "../types.js";
import { LineParser, linesText } from "./line-parser.js";
import { cleanPathLine, COMMON_GBNF, FENCE_RE, hasInnerSpace } from "./path-line.js";

/** Info word of an empty fenced block that deletes the file. */
const DELETE_INFO = "delete";

class WholeParser extends LineParser {
  private state: "outside" | "block" | "prose-fence" = "outside";
  private held: { line: string; nl: string } | undefined;
  private fenceLen = 3;
  private info = "";
  private path = "";
  private content: string[] = [];

  protected onLine(line: string, nl: string): void {
    if (this.state === "block") {
      if (this.isClosing(line)) {
        this.state = "outside";
        if (this.info === DELETE_INFO && this.content.length === 0) this.edit({ kind: "delete", path: this.path });
        else this.edit({ kind: "whole", path: this.path, content: linesText(this.content) });
      } else this.content.push(line);
      return;
    }
    if (this.state === "prose-fence") {
      this.text(line + nl);
      if (this.isClosing(line)) this.state = "outside";
      return;
    }
    const fence = FENCE_RE.exec(line);
    if (fence) {
      const path = this.held ? cleanPathLine(this.held.line) : undefined;
      this.fenceLen = fence[1]?.length ?? 3;
      if (path !== undefined) {
        this.held = undefined;
        this.path = path;
        this.info = fence[2] ?? "";
        this.content = [];
        this.state = "block";
      } else {
        // A code block with no path before it is part of the answer.
        this.releaseHeld();
        this.text(line + nl);
        this.state = "prose-fence";
      }
      return;
    }
    this.releaseHeld();
    if (cleanPathLine(line) !== undefined) this.held = { line, nl };
    else this.text(line + nl);
  }

  private isClosing(line: string): boolean {
    const m = /^(`{3,})\s*$/.exec(line);
    return m !== null && (m[1]?.length ?? 0) >= this.fenceLen;
  }

  protected releaseHeld(): void {
    if (this.held) this.text(this.held.line + this.held.nl);
    this.held = undefined;
  }

  protected canStream(partial: string): boolean {
    if (this.state === "block") return false;
    if (this.state === "prose-fence") return !partial.startsWith("`");
    const first = partial.trimStart()[0] ?? "";
    return hasInnerSpace(partial) && !"`#*".includes(first);
  }

  protected finish(): void {
    if (this.state === "block") {
      throw new EditParseError(
        `the reply ended inside the file block for ${this.path}`,
        `Your file block for ${this.path} was not closed: end it with a line of ${"`".repeat(this.fenceLen)}.`,
      );
    }
    this.releaseHeld();
  }
}

/** Backticks needed so that no content line closes the fence early. */
function fenceFor(content: string): string {
  let longest = 0;
  for (const m of content.matchAll(/^(`{3,})/gm)) longest = Math.max(longest, m[1]?.length ?? 0);
  return "`".repeat(Math.max(3, longest + 1));
}

function render(edits: readonly Edit[]): string {
  return edits
    .map((e) => {
      if (e.kind === "delete") return `${e.path}\n\`\`\`${DELETE_INFO}\n\`\`\`\n`;
      if (e.kind !== "whole") throw new TypeError(`whole cannot render a ${e.kind} edit`);
      const content = e.content.length > 0 && !e.content.endsWith("\n") ? e.content + "\n" : e.content;
      const fence = fenceFor(content);
      return `${e.path}\n${fence}\n${content}${fence}\n`;
    })
    .join("");
}

// Prose never starts with a backtick, so every fence opens a file block after its path line.
// Content that has lines starting with ``` goes in a four-backtick fence.
const GRAMMAR = String.raw`root ::= pline* (wblock pline*)*
pline ::= ([^§\n] any)? "\n"
wblock ::= path "\n" (f3 | f4)
f3 ::= "§§§" info "\n" l3* "§§§\n"
f4 ::= "§§§§" info "\n" l4* "§§§§\n"
info ::= [a-z0-9+#-]*
l3 ::= (nb any | "§" (nb any)? | "§§" (nb any)?)? "\n"
l4 ::= (nb any | "§" (nb any)? | "§§" (nb any)? | "§§§" (nb any)?)? "\n"
nb ::= [^§\n]
${COMMON_GBNF}
`.replaceAll("§", "`");

const INSTRUCTIONS = `To change a file, reply with its path alone on a line, then its complete new content in a fenced block:

path/to/file.ts
\`\`\`
every line of the new file, unchanged lines too
\`\`\`

Rules:
- Write the whole file, never "..." or "rest unchanged": the block replaces the file.
- The same form creates a new file.
- To delete a file: its path, then an empty block opened with \`\`\`delete.
- If the content has lines starting with \`\`\`, fence it with four backticks.
- Text outside blocks is your answer to the user. If no change is needed, just answer.`;

/** Whole-file blocks: the path line, then the complete content in a fence. */
export const wholeFormat: EditFormat = {
  name: "whole",
  instructions: INSTRUCTIONS,
  grammar: GRAMMAR,
  createParser: (): EditParser => new WholeParser(),
  render,
};
