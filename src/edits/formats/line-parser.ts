import { EditParseError } from "../errors.js";
import type { Edit, EditParser, ParseEvent } from "../types.js";

/**
 * Shared plumbing of the incremental parsers: splits the stream into lines, lets a format's state
 * machine see each complete line, streams a partial line as prose as soon as the format says it can
 * no longer be structure, and merges neighbouring text events.
 */
export abstract class LineParser implements EditParser {
  private events: ParseEvent[] = [];
  private buf = "";
  /** Characters of `buf` already reported as prose. */
  private streamed = 0;
  private failed: EditParseError | undefined;

  /** One complete line (without "\n" or "\r"); `nl` is "\n", or "" for an unterminated last line. */
  protected abstract onLine(line: string, nl: string): void;
  /** True when `partial` (the current, unfinished line) is surely prose whatever follows. */
  protected abstract canStream(partial: string): boolean;
  /** Called at the end of the stream, after the last line: close or complain about open blocks. */
  protected abstract finish(): void;
  /** Report held-back lines as prose (a streamed line just proved they were not a path). */
  protected abstract releaseHeld(): void;

  protected text(text: string): void {
    if (text.length === 0) return;
    const last = this.events[this.events.length - 1];
    if (last?.type === "text") last.text += text;
    else this.events.push({ type: "text", text });
  }

  protected edit(edit: Edit): void {
    this.events.push({ type: "edit", edit });
  }

  push(chunk: string): ParseEvent[] {
    if (this.failed) throw this.failed;
    this.guard(() => {
      this.buf += chunk;
      let start = 0;
      let nl = this.buf.indexOf("\n", start);
      while (nl >= 0) {
        let line = this.buf.slice(start, nl);
        if (line.endsWith("\r")) line = line.slice(0, -1);
        start = nl + 1;
        this.completeLine(line, "\n");
        nl = this.buf.indexOf("\n", start);
      }
      this.buf = this.buf.slice(start);
      this.streamPartial();
    });
    return this.take();
  }

  end(): ParseEvent[] {
    if (this.failed) throw this.failed;
    this.guard(() => {
      const line = this.buf.endsWith("\r") ? this.buf.slice(0, -1) : this.buf;
      this.buf = "";
      if (line.length > 0 || this.streamed > 0) this.completeLine(line, "");
      this.finish();
    });
    return this.take();
  }

  private completeLine(line: string, nl: string): void {
    if (this.streamed > 0) {
      // Already committed as prose: report the rest of it.
      this.text(line.slice(this.streamed) + nl);
      this.streamed = 0;
      return;
    }
    this.onLine(line, nl);
  }

  private streamPartial(): void {
    const visible = this.buf.endsWith("\r") ? this.buf.slice(0, -1) : this.buf;
    if (visible.length <= this.streamed) return;
    if (this.streamed === 0) {
      if (!this.canStream(visible)) return;
      this.releaseHeld();
    }
    this.text(visible.slice(this.streamed));
    this.streamed = visible.length;
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      if (err instanceof EditParseError) this.failed = err;
      throw err;
    }
  }

  private take(): ParseEvent[] {
    const out = this.events;
    this.events = [];
    return out;
  }
}

/** A line held back while it may still turn out to be structure (a block's path line). */
export interface HeldLine {
  line: string;
  nl: string;
}

/** A LineParser that holds back the last few lines before a block: they may turn out to be its path. */
export abstract class HoldingLineParser extends LineParser {
  /** Lines that may turn out to be a block's path (or the fence after it), oldest first. */
  protected held: HeldLine[] = [];
  /** Right after a block (or a diff's file) ended: a bare fence there closes the block's code fence. */
  protected afterBlock = false;

  /** Reports the oldest held line as prose. */
  protected releaseOne(): void {
    const h = this.held.shift();
    if (h) this.text(h.line + h.nl);
  }

  protected releaseHeld(): void {
    this.afterBlock = false;
    while (this.held.length > 0) this.releaseOne();
  }
}

/** Splits edit text into lines: "a\nb\n" → ["a", "b"]; "" → []. */
export function textLines(text: string): string[] {
  if (text.length === 0) return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** Joins lines back into edit text, each line ending in "\n". */
export function linesText(lines: readonly string[]): string {
  return lines.length === 0 ? "" : lines.join("\n") + "\n";
}
