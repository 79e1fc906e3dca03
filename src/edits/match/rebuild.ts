import { diffArrays } from "diff";
import { deltaBetween, type Candidate, type IndentDelta } from "./locate.js";
import { isBlank, plainOf } from "./normalize.js";

/**
 * Typographic characters to turn back into plain ones in new lines: those the model wrote where the
 * file has the plain character (and never where the file has the typographic one), plus any the
 * SEARCH text used that the file does not contain at all.
 */
function learnFancy(file: readonly string[], cand: Candidate, search: readonly string[]): Map<string, string> {
  const swap = new Map<string, string>();
  const keep = new Set<string>();
  const whole = file.join("\n");
  search.forEach((line, k) => {
    const fi = cand.map[k];
    const a = line.trim();
    const b = fi === undefined ? undefined : file[fi]?.trim();
    for (let j = 0; j < a.length; j++) {
      const c = a[j] ?? "";
      const p = plainOf(c);
      if (p === undefined) continue;
      if (b !== undefined && b.length === a.length) {
        if (b[j] === c) keep.add(c);
        else if (b[j] === p) swap.set(c, p);
      } else if (!whole.includes(c)) swap.set(c, p);
    }
  });
  for (const c of keep) swap.delete(c);
  return swap;
}

const CURLY_RE = /[\u2018\u2019\u201A\u201B\u201C\u201D\u201E\u201F]/;
const LETTER_RE = /\p{L}/u;

/** Curly quotes the file never uses are the model's doing: they become straight in new lines. */
function addForeignQuotes(file: readonly string[], fancy: Map<string, string>): void {
  const used = new Set<string>();
  for (const line of file) if (CURLY_RE.test(line)) for (const c of line) if (CURLY_RE.test(c)) used.add(c);
  for (const c of "\u2018\u2019\u201A\u201B\u201C\u201D\u201E\u201F") if (!used.has(c) && !fancy.has(c)) fancy.set(c, plainOf(c) ?? c);
}

/**
 * Replaces typographic characters; in code, not an apostrophe inside a word ("'don’t'" must not
 * become "'don't'"), which is safe to straighten only in prose files.
 */
function unfancy(s: string, fancy: Map<string, string>, prose: boolean): string {
  const chars = [...s];
  return chars
    .map((c, i) => {
      const p = fancy.get(c);
      if (p === undefined) return c;
      const inWord = !prose && p === "'" && LETTER_RE.test(chars[i - 1] ?? "") && LETTER_RE.test(chars[i + 1] ?? "");
      return inWord ? c : p;
    })
    .join("");
}

function reindent(line: string, delta: IndentDelta): string {
  if (delta === undefined || isBlank(line)) return line;
  if ("add" in delta) return delta.add + line;
  if (line.startsWith(delta.remove)) return line.slice(delta.remove.length);
  const lead = /^[ \t]*/.exec(line)?.[0] ?? "";
  return line.slice(Math.min(lead.length, delta.remove.length));
}

/**
 * The lines that replace `cand`'s region. Lines the model kept from SEARCH become the file's own
 * lines (so its quotes, trailing whitespace and indentation survive); new lines get the same
 * indentation offset as the match and lose the typographic characters the model introduced.
 */
export function rebuildReplacement(file: readonly string[], cand: Candidate, search: readonly string[], replace: readonly string[], prose = false): string[] {
  const quoted = replace.some((l) => CURLY_RE.test(l));
  if (cand.stage === "exact" && !quoted) return [...replace];
  const fancy = cand.stage === "exact" ? new Map<string, string>() : learnFancy(file, cand, search);
  if (quoted) addForeignQuotes(file, fancy);
  const deltas = search.map((line, k) => {
    const fi = cand.map[k];
    return fi === undefined || isBlank(line) ? null : deltaBetween(file[fi] ?? "", line);
  });
  // A new line takes the indentation offset of the nearest matched line above it (else below).
  const deltaNear = (si: number): IndentDelta => {
    for (let k = si - 1; k >= 0; k--) if (deltas[k] !== null) return deltas[k] ?? undefined;
    for (let k = si; k < deltas.length; k++) if (deltas[k] !== null) return deltas[k] ?? undefined;
    return cand.delta;
  };
  const fresh = (line: string, si: number): string => {
    let s = reindent(line, deltaNear(si));
    if (fancy.size > 0) s = unfancy(s, fancy, prose);
    return s;
  };
  const out: string[] = [];
  let si = 0;
  for (const part of diffArrays([...search], [...replace])) {
    if (part.added) {
      for (const line of part.value) out.push(fresh(line, si));
    } else if (part.removed) {
      si += part.value.length;
    } else {
      for (const line of part.value) {
        const fi = cand.map[si];
        out.push(fi === undefined ? fresh(line, si) : (file[fi] ?? fresh(line, si)));
        si++;
      }
    }
  }
  return out;
}
