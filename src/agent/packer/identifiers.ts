/**
 * Cheap, language-agnostic identifier facts for relevance ranking: what a file defines and which
 * names it mentions. Regexes, not parsers: a wrong guess only changes an order.
 */

/** Most distinct identifiers kept per file (the rarest survive ranking anyway). */
const MAX_IDENTS = 400;
const MAX_DEFS = 200;

const DEFINITION =
  /\b(?:function\*?|class|interface|type|enum|struct|trait|impl|def|fn|func|module|namespace|record|const|let|var|val|protocol|object)\s+(?:\([^)]*\)\s*)?([A-Za-z_$][\w$]*)/g;
const ASSIGNED_EXPORT = /\bexport\s+(?:default\s+)?(?:async\s+)?(?:const|let|var|function|class)\s+([A-Za-z_$][\w$]*)/g;
const IDENT = /[A-Za-z_$][\w$]{2,}/g;

const STOP = new Set(
  (
    "the and for not with this that from import export default return const let var function class " +
    "interface type enum async await new true false null undefined void public private protected static " +
    "readonly extends implements string number boolean any unknown never object def self None True False " +
    "elif else while break continue pass raise try except finally lambda yield struct impl trait func " +
    "package use mut pub crate super switch case throw catch typeof instanceof delete let val module require " +
    "int float double char long short unsigned include define endif ifdef ifndef"
  ).split(" "),
);

/** Names a file defines and names it mentions (both deduplicated, capped). */
export interface IdentifierFacts {
  defs: string[];
  idents: string[];
}

/** Extracts identifier facts from source text. */
export function identifierFacts(text: string): IdentifierFacts {
  const defs = new Set<string>();
  for (const re of [DEFINITION, ASSIGNED_EXPORT]) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null && defs.size < MAX_DEFS; m = re.exec(text)) {
      const name = m[1];
      if (name !== undefined && name.length >= 3 && !STOP.has(name)) defs.add(name);
    }
  }
  const counts = new Map<string, number>();
  IDENT.lastIndex = 0;
  for (let m = IDENT.exec(text); m !== null; m = IDENT.exec(text)) {
    const name = m[0];
    if (STOP.has(name)) continue;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  let idents = [...counts.keys()];
  if (idents.length > MAX_IDENTS) {
    // Keep the most used; ties by name so the cache is deterministic.
    idents.sort((a, b) => (counts.get(b) ?? 0) - (counts.get(a) ?? 0) || (a < b ? -1 : 1));
    idents = idents.slice(0, MAX_IDENTS);
  }
  idents.sort();
  return { defs: [...defs].sort(), idents };
}

/** Identifier-like words of a task ("fix parseArgs in cli.ts" → parseArgs, cli). */
export function taskWords(task: string): string[] {
  const words = new Set<string>();
  IDENT.lastIndex = 0;
  for (let m = IDENT.exec(task); m !== null; m = IDENT.exec(task)) if (!STOP.has(m[0])) words.add(m[0]);
  return [...words];
}
