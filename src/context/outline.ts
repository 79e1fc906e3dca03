/**
 * What a file declares, line by line: the signatures a repo map shows (as Aider's does), the
 * names it defines, and the modules it imports. Declarations are recognised at the start of a
 * line, so `import { type X }` or a word in a sentence never counts as defining X.
 *
 * Regular expressions rather than a parser: tree-sitter (web-tree-sitter wasm) parsed cline's
 * 20 MB of TypeScript in 19 s here, which no cold pack can afford; a declaration missed here only
 * moves a file in the ranking or drops a line from its outline.
 */

/** Outline of one file. */
export interface SourceOutline {
  /** Declaration lines, trimmed, in file order (at most `MAX_OUTLINE_LINES`). */
  lines: string[];
  /** Names declared (deduplicated). */
  defs: string[];
  /** Module specifiers imported or required (deduplicated, as written). */
  imports: string[];
}

const MAX_OUTLINE_LINES = 60;
const MAX_LINE = 140;

/** Declarations by language family; group 1 is the declared name. */
const DECLARATIONS: Record<string, RegExp[]> = {
  js: [
    /^(?:export\s+)?(?:default\s+)?(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?(?:function\*?|class|interface|type|enum|namespace)\s+([A-Za-z_$][\w$]*)/,
    /^(?:export\s+)(?:declare\s+)?(?:const|let|var)\s+([A-Za-z_$][\w$]*)/,
    /^(?:const|let)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]+)?=\s*(?:async\s*)?(?:\([^)]*\)|[A-Za-z_$][\w$]*)\s*(?::[^=]+)?=>/,
    // class members: two or four spaces (or a tab) in, a name, a parameter list
    /^(?: {2}| {4}|\t)(?:(?:public|private|protected|static|readonly|override|abstract|async|get|set)\s+)*([A-Za-z_$][\w$]*)\s*(?:<[^>]*>)?\([^;]*$/,
  ],
  py: [/^\s*(?:async\s+)?def\s+([A-Za-z_]\w*)/, /^\s*class\s+([A-Za-z_]\w*)/],
  go: [/^func\s+(?:\([^)]*\)\s*)?([A-Za-z_]\w*)/, /^type\s+([A-Za-z_]\w*)/],
  rs: [/^\s*(?:pub(?:\([^)]*\))?\s+)?(?:async\s+)?(?:unsafe\s+)?(?:fn|struct|enum|trait|mod|type|union)\s+([A-Za-z_]\w*)/, /^\s*impl(?:<[^>]*>)?\s+(?:[\w:]+\s+for\s+)?([A-Za-z_]\w*)/],
  java: [/^\s*(?:(?:public|private|protected|static|final|abstract|sealed)\s+)*(?:class|interface|enum|record)\s+([A-Za-z_]\w*)/, /^\s{2,4}(?:(?:public|private|protected|static|final|abstract|synchronized)\s+)+[\w<>[\], ]+\s+([A-Za-z_]\w*)\s*\(/],
  rb: [/^\s*(?:def|class|module)\s+(?:self\.)?([A-Za-z_]\w*[?!]?)/],
  c: [/^(?:static\s+|inline\s+|extern\s+)*[A-Za-z_][\w\s*]*?\b([A-Za-z_]\w*)\s*\([^;]*$/, /^(?:typedef\s+)?(?:struct|enum|union|class)\s+([A-Za-z_]\w*)/],
  md: [/^#{1,3}\s+(.+)$/],
};

const FAMILY: Record<string, string> = {
  ts: "js", tsx: "js", js: "js", jsx: "js", mjs: "js", cjs: "js", mts: "js", cts: "js", vue: "js", svelte: "js",
  py: "py", go: "go", rs: "rs", java: "java", kt: "java", scala: "java", cs: "java", swift: "java",
  rb: "rb", c: "c", h: "c", cc: "c", cpp: "c", hpp: "c", cxx: "c", m: "c",
  md: "md", mdx: "md",
};

const IMPORTS = [
  /\bfrom\s+["']([^"'\n]+)["']/g,
  /\bimport\s+["']([^"'\n]+)["']/g,
  /\b(?:require|import)\(\s*["']([^"'\n]+)["']\s*\)/g,
  /^\s*from\s+(\.*[\w.]+)\s+import\b/gm,
  /^\s*import\s+([\w.]+)\s*$/gm,
];

const KEYWORDS = new Set(["if", "for", "while", "switch", "catch", "return", "function", "constructor", "else", "do", "try", "with", "new"]);

/** The language family of `file` for outlines (undefined: no outline). */
export function outlineFamily(file: string): string | undefined {
  const dot = file.lastIndexOf(".");
  return dot < 0 ? undefined : FAMILY[file.slice(dot + 1).toLowerCase()];
}

/** Outlines `text` as the source of `file` (its extension picks the language). */
export function outlineSource(file: string, text: string): SourceOutline {
  const family = outlineFamily(file);
  const patterns = family === undefined ? [] : (DECLARATIONS[family] ?? []);
  const lines: string[] = [];
  const defs = new Set<string>();
  if (patterns.length > 0) {
    let inBlockComment = false;
    for (const raw of text.split("\n")) {
      if (family !== "md") {
        const t = raw.trimStart();
        if (inBlockComment) {
          if (t.includes("*/")) inBlockComment = false;
          continue;
        }
        if (t.startsWith("/*")) {
          inBlockComment = !t.includes("*/");
          continue;
        }
        if (t.startsWith("//") || t.startsWith("#") || t.startsWith("*")) continue;
      }
      for (const re of patterns) {
        const m = re.exec(raw);
        const name = m?.[1];
        if (name === undefined || KEYWORDS.has(name)) continue;
        if (family !== "md") defs.add(name);
        if (lines.length < MAX_OUTLINE_LINES) lines.push(signature(raw));
        break;
      }
    }
  }
  const imports = new Set<string>();
  if (family !== undefined && family !== "md") {
    for (const re of IMPORTS) {
      re.lastIndex = 0;
      for (let m = re.exec(text); m !== null; m = re.exec(text)) if (m[1] !== undefined) imports.add(m[1]);
    }
  }
  return { lines, defs: [...defs], imports: [...imports] };
}

/** A declaration line as the map shows it: no body opener, no trailing spaces, bounded length. */
function signature(line: string): string {
  let s = line.replace(/\s+$/, "").replace(/\s*[{(=]\s*$/, (m) => (m.trim() === "(" ? "(" : ""));
  if (s.length > MAX_LINE) s = `${s.slice(0, MAX_LINE - 1)}…`;
  return s;
}
