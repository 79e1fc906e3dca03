import { diffArrays } from "diff";
import type { Candidate, IndentDelta } from "./locate.js";
import { isBlank, leading, plainOf } from "./normalize.js";

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

/** The offset from a SEARCH line's indentation to its file line's; null when neither contains the other. */
function deltaBetween(fileLine: string, searchLine: string): IndentDelta | null {
  const fl = leading(fileLine);
  const sl = leading(searchLine);
  if (fl === sl) return undefined;
  if (fl.endsWith(sl)) return { add: fl.slice(0, fl.length - sl.length) };
  if (sl.endsWith(fl)) return { remove: sl.slice(0, sl.length - fl.length) };
  return null;
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
export function rebuildReplacement(file: readonly string[], cand: Candidate, search: readonly string[], replace: readonly string[]): string[] {
  if (cand.stage === "exact") return [...replace];
  const fancy = cand.stage === "unicode" || cand.stage === "anchors" || cand.stage === "elision" ? learnFancy(file, cand, search) : new Map<string, string>();
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
    if (fancy.size > 0) s = [...s].map((c) => fancy.get(c) ?? c).join("");
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
