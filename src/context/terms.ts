/**
 * Words for ranking: identifiers split on camelCase, snake_case, kebab-case and digits, folded to
 * lower case and stemmed (Porter), so "ripGrep.ts", "RIPGREP_PATH" and "ripgrep" meet, and
 * "recordings" finds "record". A compound identifier also yields itself joined ("ripgrep",
 * "tosdkmodelinfo") so an exact name outranks its scattered parts.
 */
import { stemmer } from "stemmer";

/** Splits "parseHTTPRequest2Fast" → parse HTTP Request 2 Fast (before lower-casing). */
const PARTS = /[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+/g;

const STOP = new Set(
  (
    "a an the and or but if then else of to in on at by for with from as is are was were be been being it its this that these those " +
    "not no do does did has have had will would can could should may might must shall into onto over under than so such via per " +
    "we you they he she i me my our your their them us all any each every some more most other only own same too very just also " +
    "get set use new make when where which who what how why there here out up down off again once about after before between both " +
    "import export default return const let var function class interface type enum async await true false null undefined void " +
    "public private protected static readonly extends implements string number boolean unknown never object self none"
  ).split(" "),
);

const stems = new Map<string, string>();

/** The stem of a lower-case word (memoized: a repo repeats the same few thousand words). */
export function stem(word: string): string {
  let s = stems.get(word);
  if (s === undefined) {
    s = word.length <= 3 ? word : stemmer(word);
    if (stems.size > 200_000) stems.clear();
    stems.set(word, s);
  }
  return s;
}

const wordTerms = new Map<string, readonly string[]>();

/** The ranking terms of one identifier or word (no stop words; parts of two letters or more). */
export function identifierTerms(identifier: string): readonly string[] {
  let terms = wordTerms.get(identifier);
  if (terms === undefined) {
    terms = splitIdentifier(identifier);
    // Memoized: a repository repeats the same few ten thousand words in every file.
    if (wordTerms.size > 500_000) wordTerms.clear();
    wordTerms.set(identifier, terms);
  }
  return terms;
}

/** Words of `identifierTerms`' memo carried to the next process at most. */
const MAX_SAVED_WORDS = 100_000;

/**
 * `identifierTerms`' memo as text, a line per word ("word term term"), for the facts cache to
 * carry to the next process: splitting and stemming the words of every path again was a third of
 * a warm pack's ranking. Changing the splitting or the stemmer must change the cache's version.
 */
export function savedIdentifierTerms(): string {
  const lines: string[] = [];
  for (const [word, terms] of wordTerms) {
    if (lines.length >= MAX_SAVED_WORDS) break;
    lines.push(terms.length > 0 ? `${word} ${terms.join(" ")}` : word);
  }
  return lines.join("\n");
}

/** Fills `identifierTerms`' memo from `savedIdentifierTerms`' text. */
export function loadIdentifierTerms(saved: string): void {
  if (saved.length === 0) return;
  for (const line of saved.split("\n")) {
    const fields = line.split(" ");
    const word = fields[0];
    if (word !== undefined && word.length > 0 && !wordTerms.has(word)) wordTerms.set(word, fields.slice(1));
  }
}

/** `identifierTerms` without its memo, for callers that keep their own (see term-table.ts). */
export function splitIdentifier(identifier: string): string[] {
  const parts = identifier.match(PARTS) ?? [];
  const out: string[] = [];
  for (const p of parts) {
    const lower = p.toLowerCase();
    if (lower.length >= 2 && !STOP.has(lower)) out.push(stem(lower));
  }
  if (parts.length > 1) {
    const whole = identifier.toLowerCase();
    if (whole.length <= 40) out.push(whole);
  }
  return out;
}

/** Term → count over every identifier and word of `text`. */
export function termCounts(text: string, into: Map<string, number> = new Map()): Map<string, number> {
  // Count distinct words first: splitting and stemming run once per distinct word, not per use.
  // A hand-written scan instead of a global regex: no match object per word (a cold pack of a
  // large repository meets millions of words, and the garbage was most of its time).
  const words = new Map<string, number>();
  const n = text.length;
  let i = 0;
  while (i < n) {
    let c = text.charCodeAt(i);
    if (!isLetter(c)) {
      i++;
      continue;
    }
    const start = i;
    do c = text.charCodeAt(++i);
    while (i < n && isWordChar(c));
    const len = i - start;
    if (len < MIN_WORD || len > MAX_WORD) continue;
    const w = text.slice(start, i);
    words.set(w, (words.get(w) ?? 0) + 1);
  }
  for (const [w, count] of words) for (const t of identifierTerms(w)) into.set(t, (into.get(t) ?? 0) + count);
  return into;
}

/** Whether char code `c` can start a word (an ASCII letter); term-table.ts scans by the same rule. */
export function isLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

/** Whether char code `c` can continue a word (an ASCII letter or digit). */
export function isWordChar(c: number): boolean {
  return isLetter(c) || (c >= 48 && c <= 57);
}

/** Words counted are 2 to 64 characters long. */
export const MIN_WORD = 2;
export const MAX_WORD = 64;

/** The distinct terms of a task, in order of first use. */
export function queryTerms(task: string): string[] {
  return [...termCounts(task).keys()];
}

/** The terms of a repo path: every folder and the file name (the extension counts as a word). */
export function pathTerms(file: string): { name: Map<string, number>; dir: Map<string, number> } {
  const slash = file.lastIndexOf("/");
  return { name: termCounts(file.slice(slash + 1)), dir: termCounts(slash < 0 ? "" : file.slice(0, slash)) };
}

/**
 * A term → count map as one searchable string: " term:count term:count ". Looking up a
 * few query terms with `indexOf` costs less than parsing thousands of maps back on every pack.
 */
export function encodeCounts(counts: ReadonlyMap<string, number>): string {
  let out = " ";
  for (const [k, n] of counts) out += `${k}:${n} `;
  return out;
}

// The needle of the last term looked up: BM25 asks for one term across every file in turn.
let lastTerm = "";
let lastNeedle = " :";

/** The count of `term` in an `encodeCounts` string (0 when absent). */
export function countIn(encoded: string, term: string): number {
  if (term !== lastTerm) {
    lastTerm = term;
    lastNeedle = ` ${term}:`;
  }
  const at = encoded.indexOf(lastNeedle);
  if (at < 0) return 0;
  let n = 0;
  for (let i = at + term.length + 2; i < encoded.length; i++) {
    const c = encoded.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    n = n * 10 + c;
  }
  return n;
}
