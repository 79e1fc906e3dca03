/**
 * Term counts of whole file texts at cold-pack speed. A cold pack of a large repository meets
 * millions of words (cline/cline: 2.8 M in 30 MB); a string and a map entry per word were most of
 * its time, garbage collection included. Here words are looked up in a process-wide table by a
 * hash computed while scanning, compared in place against the text, so a word already seen costs
 * no allocation; its terms (split and stemmed once per distinct word) are ids into a second
 * table, and a file's counts live in reused typed arrays.
 *
 * Same result as `encodeCounts(termCounts(text))`, byte for byte (terms in the same order).
 */
import { isLetter, isWordChar, MAX_WORD, MIN_WORD, splitIdentifier } from "./terms.js";

/** What a text's body field holds: its encoded counts and its length in terms. */
export interface EncodedTerms {
  /** `encodeCounts` string: " term:count term:count ". */
  encoded: string;
  /** Terms counted with repeats. */
  length: number;
}

/** Distinct words kept before the table starts over (a long-lived process packing many repos). */
const MAX_WORDS = 2_000_000;

let mask = (1 << 16) - 1;
/** Open-addressing slots: word id + 1, 0 empty. */
let slots = new Int32Array(mask + 1);
let wordHash = new Int32Array(1 << 15);
let words: string[] = [];
/** Per word id, where its term ids start in `pool` (-1 until the word is first counted) and end. */
let termsFrom = new Int32Array(1 << 15).fill(-1);
let termsTo = new Int32Array(1 << 15);
let pool = new Int32Array(1 << 16);
let poolSize = 0;
let termIdOf = new Map<string, number>();
let terms: string[] = [];
// Scratch for one text: counts per word id and per term id, and which ones are set.
let wordCount = new Int32Array(1 << 15);
let termCount = new Int32Array(1 << 15);
let touchedWords = new Int32Array(1 << 12);
let touchedTerms = new Int32Array(1 << 12);

function reset(): void {
  mask = (1 << 16) - 1;
  slots = new Int32Array(mask + 1);
  wordHash = new Int32Array(1 << 15);
  words = [];
  termsFrom = new Int32Array(1 << 15).fill(-1);
  termsTo = new Int32Array(1 << 15);
  poolSize = 0;
  termIdOf = new Map();
  terms = [];
  wordCount = new Int32Array(1 << 15);
  termCount = new Int32Array(1 << 15);
}

function grown(a: Int32Array<ArrayBuffer>, need: number): Int32Array<ArrayBuffer> {
  if (need <= a.length) return a;
  let size = a.length * 2;
  while (size < need) size *= 2;
  const b = new Int32Array(size);
  b.set(a);
  return b;
}

function rehash(): void {
  mask = mask * 2 + 1;
  slots = new Int32Array(mask + 1);
  for (let id = 0; id < words.length; id++) {
    let s = (wordHash[id] as number) & mask;
    while (slots[s] !== 0) s = (s + 1) & mask;
    slots[s] = id + 1;
  }
}

/** The id of `text.slice(start, end)` (hash `h`), added when new. */
function wordId(text: string, start: number, end: number, h: number): number {
  const len = end - start;
  let s = h & mask;
  for (;;) {
    const slot = slots[s] as number;
    if (slot === 0) break;
    const id = slot - 1;
    if (wordHash[id] === h) {
      const w = words[id] as string;
      if (w.length === len) {
        let k = 0;
        while (k < len && w.charCodeAt(k) === text.charCodeAt(start + k)) k++;
        if (k === len) return id;
      }
    }
    s = (s + 1) & mask;
  }
  const id = words.length;
  words.push(ownCopy(text, start, end));
  if (id >= wordHash.length) {
    wordHash = grown(wordHash, id + 1);
    termsTo = grown(termsTo, id + 1);
    const from = grown(termsFrom, id + 1);
    from.fill(-1, termsFrom.length);
    termsFrom = from;
  }
  wordHash[id] = h;
  slots[s] = id + 1;
  if (words.length * 2 > mask) rehash();
  return id;
}

/**
 * `text.slice(start, end)` as a one-byte string of its own. A slice of a text with any character
 * past U+00FF is two-byte in V8 (and a longer one a view keeping the whole text alive); terms
 * derived from it would stay so, doubling the encoded columns in memory and in the cache file.
 * Words are ASCII, so Latin-1 round-trips them exactly.
 */
function ownCopy(text: string, start: number, end: number): string {
  return Buffer.from(text.slice(start, end), "latin1").toString("latin1");
}

/** Splits and stems word `id` into `pool` once. */
function addTermsOf(id: number): void {
  const list = splitIdentifier(words[id] as string);
  pool = grown(pool, poolSize + list.length);
  termsFrom[id] = poolSize;
  for (const t of list) {
    let tid = termIdOf.get(t);
    if (tid === undefined) {
      tid = terms.length;
      terms.push(t);
      termIdOf.set(t, tid);
    }
    pool[poolSize++] = tid;
  }
  termsTo[id] = poolSize;
}

/** Term counts of every identifier and word of `text`, encoded (see `encodeCounts`). */
export function encodedTermCounts(text: string): EncodedTerms {
  if (words.length > MAX_WORDS) reset();
  let nWords = 0;
  const n = text.length;
  let i = 0;
  while (i < n) {
    let c = text.charCodeAt(i);
    if (!isLetter(c)) {
      i++;
      continue;
    }
    const start = i;
    // FNV-1a over the word's UTF-16 units (all ASCII here).
    let h = Math.imul(0x811c9dc5 ^ c, 0x01000193);
    for (i++; i < n; i++) {
      c = text.charCodeAt(i);
      if (!isWordChar(c)) break;
      h = Math.imul(h ^ c, 0x01000193);
    }
    const len = i - start;
    if (len < MIN_WORD || len > MAX_WORD) continue;
    const id = wordId(text, start, i, h);
    if (id >= wordCount.length) wordCount = grown(wordCount, id + 1);
    if (wordCount[id] === 0) {
      if (nWords === touchedWords.length) touchedWords = grown(touchedWords, nWords + 1);
      touchedWords[nWords++] = id;
    }
    wordCount[id] = (wordCount[id] as number) + 1;
  }
  // Terms in the order `termCounts` first sets them: words by first use, each word's terms in order.
  let nTerms = 0;
  let length = 0;
  for (let w = 0; w < nWords; w++) {
    const id = touchedWords[w] as number;
    const count = wordCount[id] as number;
    wordCount[id] = 0;
    if (termsFrom[id] === -1) {
      addTermsOf(id);
      if (terms.length > termCount.length) termCount = grown(termCount, terms.length);
    }
    const to = termsTo[id] as number;
    for (let k = termsFrom[id] as number; k < to; k++) {
      const tid = pool[k] as number;
      if (termCount[tid] === 0) {
        if (nTerms === touchedTerms.length) touchedTerms = grown(touchedTerms, nTerms + 1);
        touchedTerms[nTerms++] = tid;
      }
      termCount[tid] = (termCount[tid] as number) + count;
      length += count;
    }
  }
  // Joined, not concatenated: a concatenation is a tree of thousands of small strings until read.
  const parts: string[] = new Array<string>(nTerms + 2);
  parts[0] = "";
  for (let k = 0; k < nTerms; k++) {
    const tid = touchedTerms[k] as number;
    parts[k + 1] = `${terms[tid] as string}:${termCount[tid] as number}`;
    termCount[tid] = 0;
  }
  parts[nTerms + 1] = "";
  return { encoded: parts.join(" "), length };
}
