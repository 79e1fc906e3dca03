import { readFileSync } from "node:fs";
import path from "node:path";
import { UsageError } from "../errors.js";

/** GBNF string literal for `text` (exact match; control characters escaped). */
export function gbnfLiteral(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

/** A grammar that admits exactly `text`. */
export function exactTextGrammar(text: string): string {
  return text.length === 0 ? 'root ::= ""' : `root ::= ${gbnfLiteral(text)}`;
}

/**
 * TEST SEAM — `SPARK_FORCED_REPLY=FILE[:FILE2:…]`: the local engine's n-th generation is
 * teacher-forced to the n-th file's text (the last repeats), token by token in the tokenizer's own
 * split of that text, so each step costs a real decode step and drafts are judged as for a model
 * that wrote it. Everything else is real: tokenizer, decoding, parsing, checkpoint, apply. For
 * tests and outside checks only.
 */
export class ForcedReplies {
  private readonly files: string[];
  private used = 0;

  constructor(spec: string) {
    this.files = spec.split(path.delimiter).filter((f) => f.length > 0);
  }

  /** From the environment, when the seam is in use. */
  static fromEnv(env: NodeJS.ProcessEnv): ForcedReplies | undefined {
    const spec = env.SPARK_FORCED_REPLY;
    return spec && spec.length > 0 ? new ForcedReplies(spec) : undefined;
  }

  /** The next reply's text. */
  next(): string {
    const file = this.files[Math.min(this.used, this.files.length - 1)];
    this.used++;
    if (file === undefined) throw new UsageError("SPARK_FORCED_REPLY names no file");
    try {
      return readFileSync(file, "utf8");
    } catch {
      throw new UsageError(`SPARK_FORCED_REPLY: cannot read ${file}`);
    }
  }
}
