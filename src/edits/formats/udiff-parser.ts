import { EditParseError } from "../errors.js";
import type { UdiffHunk } from "../types.js";
import { HoldingLineParser } from "./line-parser.js";
import { FENCE_RE, hasInnerSpace } from "./path-line.js";

/** git's extended header lines and similar lines that may precede `--- a/…`. */
const PREAMBLE_RE =
  /^(diff --git |diff -|index [0-9a-f]|new file mode |deleted file mode |old mode |new mode |similarity index |dissimilarity index |rename from |rename to |copy from |copy to )/;
const HEADER_RE = /^@@+\s*-(\d+)(?:,(\d+))?\s+\+(\d+)(?:,(\d+))?\s*@@+ ?(.*)$/;

interface OpenFile {
  path: string;
  created: boolean;
  deleted: boolean;
  hunks: UdiffHunk[];
}

/** Parses a `@@` line; line numbers are null when the model left them out (`@@ ... @@`). */
export function parseHunkHeader(line: string): UdiffHunk {
  const m = HEADER_RE.exec(line);
  if (m) {
    const num = (s: string | undefined, dflt: number | null): number | null => (s === undefined ? dflt : Number(s));
    return { oldStart: num(m[1], null), oldLines: num(m[2], 1), newStart: num(m[3], null), newLines: num(m[4], 1), section: m[5] ?? "", lines: [] };
  }
  const loose = /^@@.*?@@ ?(.*)$/.exec(line);
  return { oldStart: null, oldLines: null, newStart: null, newLines: null, section: loose?.[1] ?? "", lines: [] };
}

/** Path of a `---`/`+++` line without the a/ or b/ prefix; null for /dev/null. */
function headerPath(rest: string, prefix: "a/" | "b/"): string | null {
  let s = (rest.split("\t")[0] ?? "").trim();
  if (s.length > 1 && s.startsWith('"') && s.endsWith('"')) s = s.slice(1, -1);
  if (s === "/dev/null") return null;
  if (s.startsWith(prefix)) s = s.slice(2);
  return s;
}

/**
 * Incremental unified-diff parser. Hunk line counts are only hints: a hunk runs while lines look like
 * hunk lines; an empty line (a context line whose space was lost) and a `--- ` line (a removal, or
 * the next file's header) are decided by the line after them.
 */
export class UdiffParser extends HoldingLineParser {
  private state: "outside" | "file" | "hunk" = "outside";
  private file: OpenFile | undefined;
  private hunk: UdiffHunk | undefined;
  private blanks = 0;
  private minus: string | undefined;
  private lastPath: string | undefined;

  protected onLine(line: string, nl: string): void {
    if (this.state === "hunk") this.hunkLine(line, nl);
    else if (this.state === "file") this.fileLine(line, nl);
    else this.outsideLine(line, nl);
  }

  private hunkLine(line: string, nl: string): void {
    if (this.minus !== undefined) {
      const minus = this.minus;
      this.minus = undefined;
      if (line.startsWith("+++ ")) {
        this.blanks = 0;
        this.endHunk();
        this.endFile();
        this.startFile(minus, line);
        return;
      }
      this.flushBlanks();
      this.hunk?.lines.push(minus);
    }
    if (line === "") {
      this.blanks++;
    } else if (line.startsWith("--- ")) {
      this.minus = line;
    } else if (/^[ +\-\\]/.test(line)) {
      this.flushBlanks();
      this.hunk?.lines.push(line);
    } else if (line.startsWith("@@")) {
      this.blanks = 0;
      this.endHunk();
      this.startHunk(line);
    } else {
      const blanks = this.blanks;
      this.blanks = 0;
      this.endHunk();
      this.endFile();
      this.text("\n".repeat(blanks));
      this.outsideLine(line, nl);
    }
  }

  private fileLine(line: string, nl: string): void {
    if (line.startsWith("@@")) return this.startHunk(line);
    this.endFile();
    this.outsideLine(line, nl);
  }

  private outsideLine(line: string, nl: string): void {
    const afterBlock = this.afterBlock;
    this.afterBlock = false;
    const last = this.held[this.held.length - 1];
    if (line.startsWith("+++ ") && last?.line.startsWith("--- ")) {
      this.held = [];
      return this.startFile(last.line, line);
    }
    if (line.startsWith("@@") && this.lastPath !== undefined) {
      this.held = [];
      this.file = { path: this.lastPath, created: false, deleted: false, hunks: [] };
      return this.startHunk(line);
    }
    const fence = FENCE_RE.exec(line);
    if (afterBlock && fence && fence[2] === "") return;
    if (line.startsWith("--- ") || PREAMBLE_RE.test(line) || fence) {
      this.held.push({ line, nl });
      if (this.held.length > 8) this.releaseOne();
      return;
    }
    this.releaseHeld();
    this.text(line + nl);
  }

  private startFile(minusLine: string, plusLine: string): void {
    const oldPath = headerPath(minusLine.slice(4), "a/");
    const newPath = headerPath(plusLine.slice(4), "b/");
    const path = newPath ?? oldPath;
    if (path === null || path === "") {
      throw new EditParseError("a diff header names no file", `Diff headers must name the file: --- a/path/to/file and +++ b/path/to/file.`);
    }
    this.file = { path, created: oldPath === null, deleted: newPath === null, hunks: [] };
    this.state = "file";
  }

  private startHunk(line: string): void {
    this.hunk = parseHunkHeader(line);
    this.blanks = 0;
    this.state = "hunk";
  }

  private flushBlanks(): void {
    for (; this.blanks > 0; this.blanks--) this.hunk?.lines.push(" ");
  }

  private endHunk(): void {
    if (this.hunk && this.hunk.lines.length > 0) this.file?.hunks.push(this.hunk);
    this.hunk = undefined;
    this.state = "file";
  }

  private endFile(): void {
    const f = this.file;
    this.file = undefined;
    this.state = "outside";
    if (!f) return;
    if (f.hunks.length === 0 && !f.created && !f.deleted) {
      throw new EditParseError(`the diff for ${f.path} has no @@ hunk`, `Your diff for ${f.path} has headers but no @@ hunk with the changed lines.`);
    }
    this.edit({ kind: "udiff", path: f.path, hunks: f.hunks, created: f.created, deleted: f.deleted });
    this.lastPath = f.path;
    this.afterBlock = true;
  }

  protected canStream(partial: string): boolean {
    if (this.state !== "outside") return false;
    return hasInnerSpace(partial) && !"-+@ \\`\t".includes(partial[0] ?? "") && !PREAMBLE_RE.test(partial) && !/^(diff|index|new|deleted|old|similarity|dissimilarity|rename|copy)\b/.test(partial);
  }

  protected finish(): void {
    if (this.state === "hunk") {
      if (this.minus !== undefined) {
        this.flushBlanks();
        this.hunk?.lines.push(this.minus);
        this.minus = undefined;
      }
      this.blanks = 0;
      this.endHunk();
    }
    if (this.state === "file") this.endFile();
    this.releaseHeld();
  }
}
