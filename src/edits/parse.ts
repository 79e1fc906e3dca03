import { recognizingParser } from "./formats/recognize.js";
import type { Edit, EditFormat, EditParser } from "./types.js";

/** Parses a complete reply at once: its edits and its prose. Throws `EditParseError` when malformed. */
export function parseEdits(format: EditFormat, text: string): { edits: Edit[]; text: string } {
  return parseWith(format.createParser(), text);
}

/** `parseEdits`, except that a reply written in another format than `format` is read as that one. */
export function parseReply(format: EditFormat, text: string): { edits: Edit[]; text: string } {
  return parseWith(recognizingParser(format), text);
}

function parseWith(parser: EditParser, text: string): { edits: Edit[]; text: string } {
  const edits: Edit[] = [];
  let prose = "";
  for (const ev of [...parser.push(text), ...parser.end()]) {
    if (ev.type === "edit") edits.push(ev.edit);
    else prose += ev.text;
  }
  return { edits, text: prose };
}
