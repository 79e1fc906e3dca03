import { EditParseError } from "../errors.js";
import type { Edit, EditFormat, EditParser } from "../types.js";
import { HoldingLineParser, linesText } from "./line-parser.js";
import { cleanPathLine, COMMON_GBNF, FENCE_RE, hasInnerSpace } from "./path-line.js";

const SEARCH_RE = /^<{5,9} ?SEARCH>?\s*$/;
const DIVIDER_RE = /^={5,9}\s*$/;
const REPLACE_RE = /^>{5,9} ?REPLACE<?\s*$/;

class SearchReplaceParser extends HoldingLineParser {
  private state: "outside" | "search" | "replace" = "outside";
  private path = "";
  private lastPath: string | undefined;
  private search: string[] = [];
  private replace: string[] = [];

  protected onLine(line: string, nl: string): void {
    if (this.state === "search") {
      if (DIVIDER_RE.test(line)) this.state = "replace";
      else if (REPLACE_RE.test(line)) {
        throw new EditParseError(
          `the SEARCH block for ${this.path} has no ======= line`,
          `Your SEARCH/REPLACE block for ${this.path} is missing the ======= line between the SEARCH and REPLACE parts.`,
        );
      } else this.search.push(line);
      return;
    }
    if (this.state === "replace") {
      if (REPLACE_RE.test(line)) {
        this.edit({ kind: "search-replace", path: this.path, search: linesText(this.search), replace: linesText(this.replace) });
        this.lastPath = this.path;
        this.state = "outside";
        this.afterBlock = true;
      } else this.replace.push(line);
      return;
    }
    const afterBlock = this.afterBlock;
    this.afterBlock = false;
    if (SEARCH_RE.test(line)) return this.startBlock();
    const fence = FENCE_RE.exec(line);
    if (afterBlock && fence && fence[2] === "" && this.held.length === 0) return;
    if (fence || cleanPathLine(line) !== undefined) {
      this.held.push({ line, nl });
      if (this.held.length > 2) this.releaseOne();
      return;
    }
    this.releaseHeld();
    this.text(line + nl);
  }

  private startBlock(): void {
    let idx = this.held.length - 1;
    const last = this.held[idx];
    if (last && FENCE_RE.test(last.line)) idx--;
    const candidate = idx >= 0 ? cleanPathLine(this.held[idx]?.line ?? "") : undefined;
    const path = candidate ?? this.lastPath;
    if (path === undefined) {
      throw new EditParseError(
        "a SEARCH/REPLACE block has no file path",
        "Each SEARCH/REPLACE block needs the file path alone on the line right before <<<<<<< SEARCH.",
      );
    }
    // Everything held before the path line was prose; the path (and a fence after it) is structure.
    const keep = candidate !== undefined ? idx : this.held.length - (last && FENCE_RE.test(last.line) ? 1 : 0);
    for (const h of this.held.slice(0, keep)) this.text(h.line + h.nl);
    this.held = [];
    this.path = path;
    this.search = [];
    this.replace = [];
    this.state = "search";
  }

  protected canStream(partial: string): boolean {
    if (this.state !== "outside") return false;
    const first = partial.trimStart()[0] ?? "";
    return hasInnerSpace(partial) && !"<=>`#*".includes(first);
  }

  protected finish(): void {
    if (this.state !== "outside") {
      throw new EditParseError(
        `the reply ended inside the SEARCH/REPLACE block for ${this.path}`,
        `Your SEARCH/REPLACE block for ${this.path} was not closed: end every block with >>>>>>> REPLACE.`,
      );
    }
    this.releaseHeld();
  }
}

function render(edits: readonly Edit[]): string {
  return edits
    .map((e) => {
      if (e.kind !== "search-replace") throw new TypeError(`search-replace cannot render a ${e.kind} edit`);
      return `${e.path}\n<<<<<<< SEARCH\n${e.search}=======\n${e.replace}>>>>>>> REPLACE\n`;
    })
    .join("");
}

// A prose line never starts with five '<'; a block line never starts with five '=' or '>'.
const GRAMMAR = String.raw`root ::= pline* (block pline*)*
pline ::= ([^<\n] any | "<" ([^<\n] any)? | "<<" ([^<\n] any)? | "<<<" ([^<\n] any)? | "<<<<" ([^<\n] any)?)? "\n"
block ::= path "\n<<<<<<< SEARCH\n" bline* "=======\n" bline* ">>>>>>> REPLACE\n"
bline ::= ([^=>\n] any | eqs | gts)? "\n"
eqs ::= "=" ([^=\n] any)? | "==" ([^=\n] any)? | "===" ([^=\n] any)? | "====" ([^=\n] any)?
gts ::= ">" ([^>\n] any)? | ">>" ([^>\n] any)? | ">>>" ([^>\n] any)? | ">>>>" ([^>\n] any)?
${COMMON_GBNF}
`;

const INSTRUCTIONS = `To change a file, reply with SEARCH/REPLACE blocks:

path/to/file.ts
<<<<<<< SEARCH
exact lines from the file
=======
the lines that replace them
>>>>>>> REPLACE

Rules:
- The file path goes alone on the line right before <<<<<<< SEARCH.
- SEARCH must copy the current file exactly, including indentation and comments, and match only one place: add a nearby line if needed.
- Keep blocks small: the changed lines plus a line or two around them. Use several blocks for separate changes.
- To create a file, leave SEARCH empty and put the whole content in REPLACE.
- To delete lines, leave REPLACE empty.
- Text outside blocks is your answer to the user. If no change is needed, just answer.`;

/** Aider-style `<<<<<<< SEARCH` / `=======` / `>>>>>>> REPLACE` blocks, each after its file path. */
export const searchReplaceFormat: EditFormat = {
  name: "search-replace",
  instructions: INSTRUCTIONS,
  grammar: GRAMMAR,
  createParser: (): EditParser => new SearchReplaceParser(),
  render,
};
