import type { Edit, EditFormat } from "./types.js";

/** Parses a complete reply at once: its edits and its prose. Throws `EditParseError` when malformed. */
export function parseEdits(format: EditFormat, text: string): { edits: Edit[]; text: string } {
  const parser = format.createParser();
  const edits: Edit[] = [];
  let prose = "";
  for (const ev of [...parser.push(text), ...parser.end()]) {
    if (ev.type === "edit") edits.push(ev.edit);
    else prose += ev.text;
  }
  return { edits, text: prose };
}
