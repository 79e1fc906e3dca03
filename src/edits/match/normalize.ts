/** Typographic characters models put where code has plain ones; each maps to one plain character. */
const FANCY: Readonly<Record<string, string>> = {
  "\u2018": "'",
  "\u2019": "'",
  "\u201A": "'",
  "\u201B": "'",
  "\u2032": "'",
  "\u201C": '"',
  "\u201D": '"',
  "\u201E": '"',
  "\u201F": '"',
  "\u2033": '"',
  "\u2010": "-",
  "\u2011": "-",
  "\u2012": "-",
  "\u2013": "-",
  "\u2014": "-",
  "\u2212": "-",
  "\u00A0": " ",
  "\u2007": " ",
  "\u2009": " ",
  "\u202F": " ",
};
const FANCY_RE = new RegExp(`[${Object.keys(FANCY).join("")}]`, "g");

/** Plain ASCII in place of curly quotes, dashes and no-break spaces (same length). */
export function plain(s: string): string {
  return s.replace(FANCY_RE, (c) => FANCY[c] ?? c);
}

/** The plain character for a typographic one, if it is one. */
export function plainOf(c: string): string | undefined {
  return FANCY[c];
}

/** Leading whitespace of a line. */
export function leading(s: string): string {
  return /^[ \t]*/.exec(s)?.[0] ?? "";
}

/** True for a line with nothing but whitespace. */
export function isBlank(s: string): boolean {
  return s.trim().length === 0;
}

/**
 * True for a line that stands for omitted code: `...`, `…`, `// ...`, `# ... existing code ...`,
 * `/* ... *\/`, `<!-- ... -->`.
 */
export function isElisionLine(line: string): boolean {
  let s = line.trim();
  if (s.length === 0 || s.length > 80) return false;
  s = s.replace(/^(\/\/+|#+|--|;+|\/\*+|<!--|\{\/\*)\s*/, "").replace(/\s*(\*+\/\}?|-->)$/, "");
  if (!/^(\.\.\.|…)|(\.\.\.|…)$/.test(s)) return false;
  const words = s.replace(/\.\.\.|…/g, " ").trim();
  return /^[A-Za-z ,'’-]*$/.test(words) && words.split(/\s+/).filter(Boolean).length <= 6;
}
