/**
 * The structure of SEARCH/REPLACE edit blocks as an answer writes them, for drafting: the marker
 * lines are known text, a REPLACE block mostly copies its SEARCH block, and a SEARCH block follows
 * its file path line. The lookup drafter asks this tracker, at each line start of the output, what
 * the structure predicts there.
 */

/** The text of tokens (the model's detokenizer). */
export type TokenText = (tokens: readonly number[]) => string;

/** The model's tokenizer (no special tokens). */
export type Tokenize = (text: string) => readonly number[];

/** What the lookup drafter needs to read edit blocks in the output. */
export interface EditBlockTokenizer {
  text: TokenText;
  tokenize: Tokenize;
}

// The parser's patterns (src/edits/formats/search-replace.ts; inference does not import edits).
const SEARCH_RE = /^<{5,9} ?SEARCH>?\s*$/;
const DIVIDER_RE = /^={5,9}\s*$/;
const REPLACE_RE = /^>{5,9} ?REPLACE<?\s*$/;
/** A file path alone on its line (what precedes `<<<<<<< SEARCH`). */
const PATH_RE = /^[\w@~.+-]*[\w@~+-][\w@~.+-]*(\/[\w@~.+-]+)*\.?[\w-]*$/;

/** What the structure predicts at a line start of the output. */
export type BlockHint =
  /** Exactly these tokens (a marker line, or a path line and its marker). */
  | { tokens: readonly number[] }
  /** A copy of the output from this output index (a REPLACE block's first line copies its SEARCH block's). */
  | { copyFrom: number };

type State = "outside" | "search" | "replace";

/** Follows the output token by token and knows where each edit block's parts are. */
export class EditBlockTracker {
  private readonly searchMarker: readonly number[];
  private readonly replaceMarker: readonly number[];
  private readonly dividerMarker: readonly number[];
  private state: State = "outside";
  /** Output tokens seen. */
  private written = 0;
  /** The unfinished line's text, and the output index of its first token. */
  private line = "";
  private lineStart = 0;
  private lineTokens: number[] = [];
  /** The last finished line outside a block, and whether the output stands at a line start. */
  private previousLine = "";
  private atLineStart = true;
  /** The current block's SEARCH body and divider line, as output indexes (-1: none yet). */
  private searchBody = -1;
  private divider = -1;
  /** Lines finished inside the current REPLACE block. */
  private replaceLines = 0;
  /** Tokens of the last block's path line and its SEARCH marker (the next block likely repeats it). */
  private opener: readonly number[] = [];
  private justClosed = false;
  private readonly texts = new Map<number, string>();

  constructor(private readonly tokens: EditBlockTokenizer) {
    this.searchMarker = tokens.tokenize("<<<<<<< SEARCH\n");
    this.replaceMarker = tokens.tokenize(">>>>>>> REPLACE\n");
    this.dividerMarker = tokens.tokenize("=======\n");
  }

  /** A token's text (looked up once per token). */
  private textOf(token: number): string {
    let text = this.texts.get(token);
    if (text === undefined) this.texts.set(token, (text = this.tokens.text([token])));
    return text;
  }

  /** The next output token. */
  push(token: number): void {
    const text = this.textOf(token);
    this.written++;
    const parts = text.split("\n");
    for (let i = 0; i < parts.length - 1; i++) this.endLine(i === 0 ? this.line + (parts[0] ?? "") : (parts[i] ?? ""));
    if (parts.length > 1) {
      this.line = parts[parts.length - 1] ?? "";
      this.lineStart = this.line === "" ? this.written : this.written - 1;
      this.lineTokens = this.line === "" ? [] : [token];
    } else {
      this.line += text;
      this.lineTokens.push(token);
    }
    this.atLineStart = parts.length > 1 && this.line === "";
  }

  /** A line finished (its text without the line break). */
  private endLine(line: string): void {
    const wasClosed = this.justClosed;
    this.justClosed = false;
    if (this.state === "search") {
      if (DIVIDER_RE.test(line)) {
        this.state = "replace";
        this.divider = this.lineStart;
        this.replaceLines = 0;
      }
      return;
    }
    if (this.state === "replace") {
      if (REPLACE_RE.test(line)) {
        this.state = "outside";
        this.justClosed = true;
      } else this.replaceLines++;
      return;
    }
    if (SEARCH_RE.test(line)) {
      this.state = "search";
      this.searchBody = this.written;
      if (PATH_RE.test(this.previousLine) && !wasClosed) this.opener = this.tokens.tokenize(`${this.previousLine}\n<<<<<<< SEARCH\n`);
    }
    this.previousLine = line;
  }

  /** What the structure predicts next, at a line start of the output; undefined elsewhere. */
  hint(): BlockHint | undefined {
    if (!this.atLineStart) {
      // A marker line begun: its rest (and after a closing marker, the next block's opening).
      const marker = this.state === "outside" ? this.searchMarker : this.state === "search" ? this.dividerMarker : this.replaceMarker;
      const n = this.lineTokens.length;
      if (n === 0 || n >= marker.length || !this.lineTokens.every((t, i) => t === marker[i])) return undefined;
      return { tokens: marker.slice(n) };
    }
    if (this.state === "replace") {
      if (this.replaceLines === 0 && this.searchBody >= 0 && this.searchBody < this.divider) return { copyFrom: this.searchBody };
      return undefined;
    }
    if (this.state === "outside") {
      if (this.justClosed && this.opener.length > 0) return { tokens: this.opener };
      if (!this.justClosed && this.previousLine.length > 0 && PATH_RE.test(this.previousLine)) return { tokens: this.searchMarker };
    }
    return undefined;
  }

  /** Whether the output is inside a REPLACE block, at a line start. */
  get replacing(): boolean {
    return this.state === "replace" && this.atLineStart;
  }

  /** The marker that closes a REPLACE block. */
  get closer(): readonly number[] {
    return this.replaceMarker;
  }

  /**
   * A lookup proposal made to fit the blocks. Outside a block, a copied line followed by a fence
   * (the prompt's file header) is followed by the SEARCH marker instead. Inside a REPLACE block, a
   * copy of the output from output index `from` (-1: the copy is of the prompt) is cut where it
   * would copy the block's divider line (a REPLACE block copying its SEARCH block ends where that
   * block ended) and closed with the REPLACE marker there.
   */
  rewrite(tokens: readonly number[], from: number): readonly number[] {
    if (this.state === "outside") {
      // A path line copied from the prompt's file header: a SEARCH marker follows it, not a fence.
      for (let i = 0; i + 1 < tokens.length; i++) {
        if (this.textOf(tokens[i] ?? -1).endsWith("\n") && this.textOf(tokens[i + 1] ?? -1).startsWith("```")) return [...tokens.slice(0, i + 1), ...this.searchMarker];
      }
      return tokens;
    }
    if (this.state !== "replace" || this.divider < 0 || from < 0) return tokens;
    const cut = this.divider - from;
    if (cut < 0 || cut >= tokens.length) return tokens;
    return [...tokens.slice(0, cut), ...this.closer];
  }
}
