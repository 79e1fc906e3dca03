/**
 * A reply is applied as what it is, whatever format was asked: models mix formats up (a file asked
 * for whole comes back as SEARCH/REPLACE blocks, or the other way round), and a reply read in the
 * wrong format either loses its edits as prose or writes its markers into the file.
 */
import { EditParseError } from "../errors.js";
import type { Edit, EditFormat, EditParser, FormatName, ParseEvent } from "../types.js";
import { searchReplaceFormat } from "./search-replace.js";
import { udiffFormat } from "./udiff.js";
import { wholeFormat } from "./whole.js";

/** The format an edit was written in. */
export function formatOfEdit(edit: Edit): FormatName {
  return edit.kind === "delete" ? "whole" : edit.kind;
}

/** Formats tried when the asked one finds no edit, most distinctive markers first. */
const FALLBACKS: readonly EditFormat[] = [searchReplaceFormat, udiffFormat, wholeFormat];

interface Reader {
  parser: EditParser;
  edits: ParseEvent[];
  /** Set once it threw: it reads nothing more. */
  error?: EditParseError;
}

/**
 * Reads a reply in `asked`, streaming its prose and edits as that format's parser does, while the
 * other formats read along. When the asked format finds no edit in the whole reply and another
 * does, the reply is that format's: its edits come out at the end. A malformed reply in the asked
 * format is reported only when no other format reads an edit from it.
 */
export class RecognizingParser implements EditParser {
  private readonly main: Reader;
  private readonly others: Reader[];
  private mainEdits = 0;

  constructor(asked: EditFormat) {
    this.main = { parser: asked.createParser(), edits: [] };
    this.others = FALLBACKS.filter((f) => f.name !== asked.name).map((f) => ({ parser: f.createParser(), edits: [] }));
  }

  push(chunk: string): ParseEvent[] {
    for (const o of this.others) this.read(o, () => o.parser.push(chunk));
    return this.readMain(() => this.main.parser.push(chunk));
  }

  end(): ParseEvent[] {
    for (const o of this.others) this.read(o, () => o.parser.end());
    const tail = this.readMain(() => this.main.parser.end());
    if (this.mainEdits > 0) return tail;
    const other = this.others.find((o) => o.error === undefined && o.edits.length > 0);
    if (other) return [...tail.filter((e) => e.type === "text"), ...other.edits];
    if (this.main.error) throw this.main.error;
    return tail;
  }

  private readMain(read: () => ParseEvent[]): ParseEvent[] {
    if (this.main.error) return [];
    try {
      const events = read();
      this.mainEdits += events.filter((e) => e.type === "edit").length;
      return events;
    } catch (err) {
      // Spent: the asked format's edits so far stand with the error; none means another may fit.
      if (!(err instanceof EditParseError) || this.mainEdits > 0) throw err;
      this.main.error = err;
      return [];
    }
  }

  private read(r: Reader, read: () => ParseEvent[]): void {
    if (r.error) return;
    try {
      r.edits.push(...read().filter((e) => e.type === "edit"));
    } catch (err) {
      if (!(err instanceof EditParseError)) throw err;
      r.error = err;
    }
  }
}

/** A parser for a reply asked in `asked` that applies it as whatever format it turns out to be. */
export function recognizingParser(asked: EditFormat): EditParser {
  return new RecognizingParser(asked);
}
