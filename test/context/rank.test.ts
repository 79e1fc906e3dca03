import { describe, expect, it } from "vitest";
import { textFacts } from "../../src/context/facts.js";
import { commitScope, DEFAULT_WEIGHTS, rankFiles, type RankOptions, type RankWeights } from "../../src/context/rank/rank.js";

/** Ranks in-memory files (path → text) for `task`; returns paths best first. */
function rank(files: Record<string, string>, task: string, extra: Partial<RankOptions> = {}): string[] {
  const inputs = Object.entries(files).map(([path, text]) => ({ path, dirty: false, facts: textFacts(path, text, text.length) }));
  return rankFiles(inputs, { task, ...extra }).map((r) => r.path);
}

/** The same, with one signal switched off. */
function rankWithout(signal: keyof RankWeights, files: Record<string, string>, task: string, extra: Partial<RankOptions> = {}): string[] {
  return rank(files, task, { ...extra, weights: { ...extra.weights, [signal]: 0 } });
}

const filler = (n: number, word = "value"): string => Array.from({ length: n }, (_, i) => `const ${word}${i} = ${i};`).join("\n") + "\n";

describe("rankFiles signals", () => {
  it("IDF: a word every file uses weighs less than a rare one", () => {
    const files: Record<string, string> = {
      "src/a-cache.ts": "cache cache cache cache cache cache\n",
      "src/b-evict.ts": "cache; eviction happens here\n",
    };
    for (let i = 0; i < 8; i++) files[`src/other${i}.ts`] = `cache ${filler(3)}`;
    expect(rank(files, "cache eviction")[0]).toBe("src/b-evict.ts");
  });

  it("identifiers split on camelCase and case-folded: 'ripgrep' finds ripGrep.ts and ensureRipgrepAvailable", () => {
    const files = {
      "src/aaa.ts": filler(5),
      "src/search/ripGrep.ts": "export function run() { return 1; }\n",
      "src/tools.ts": "export function ensureRipgrepAvailable() {}\n",
      "src/zzz.ts": filler(5),
    };
    const order = rank(files, "bundle ripgrep binary");
    expect(order.slice(0, 2).sort()).toEqual(["src/search/ripGrep.ts", "src/tools.ts"]);
  });

  it("path segments: task words match folder and file names (stemmed: 'dialogs' meets 'dialog')", () => {
    const files = {
      "apps/cli/src/tui/components/dialogs/account-dialog.tsx": "export function View() { return null; }\n",
      "apps/cli/src/tui/components/aaa.tsx": "export function Other() { return null; }\n",
      "apps/cli/src/z.tsx": "export const z = 1;\n",
    };
    expect(rank(files, "Use fixed chevron in account dialogs")[0]).toBe("apps/cli/src/tui/components/dialogs/account-dialog.tsx");
    expect(rankWithout("name", { ...files }, "Use fixed chevron in account dialogs", { weights: { dir: 0 } })[0]).not.toBe(
      "apps/cli/src/tui/components/dialogs/account-dialog.tsx",
    );
  });

  it("definitions: the file declaring a name beats one that only imports and uses it", () => {
    const files = {
      "src/grammar.ts": `${filler(40)}export class TokenParser {}\n`,
      "src/uses.ts": 'import { type TokenParser } from "./grammar.js";\nconst p: TokenParser = new TokenParser();\n',
    };
    expect(rank(files, "speed up TokenParser")[0]).toBe("src/grammar.ts");
    expect(rankWithout("defs", files, "speed up TokenParser")[0]).toBe("src/uses.ts");
  });

  it("named files: base name with or without extension", () => {
    const files = {
      "src/a.ts": "the wording of errors, wording wording\n",
      "webview/ClineFreeModelLimitError.tsx": "export function Banner() {}\n",
    };
    const ranked = rankFiles(
      Object.entries(files).map(([path, text]) => ({ path, dirty: false, facts: textFacts(path, text, text.length) })),
      { task: "Update ClineFreeModelLimitError wording" },
    );
    expect(ranked[0]).toMatchObject({ path: "webview/ClineFreeModelLimitError.tsx", tier: "named" });
    expect(rank({ "src/x.ts": "x\n", "lib/util.py": "y\n" }, "fix util.py")[0]).toBe("lib/util.py");
  });

  it("import graph: a file importing a strong hit ranks above unrelated files", () => {
    const files = {
      "src/aaa.ts": filler(3),
      "src/abb.ts": filler(3),
      "src/consumer.ts": 'import { open } from "./store.js";\nopen();\n',
      "src/store.ts": "export function open() { /* persist session data */ }\n",
    };
    const order = rank(files, "persist the session data");
    expect(order.slice(0, 2)).toEqual(["src/store.ts", "src/consumer.ts"]);
    expect(rankWithout("imports", files, "persist the session data")[1]).not.toBe("src/consumer.ts");
  });

  it("tests: a strong hit's test file comes with it, even without an import", () => {
    const files = {
      "src/notice.ts": "export const text = 'message exceeded, message exceeded';\n",
      "src/quota.ts": "export function quotaExceeded() { return 'quota exceeded'; }\n",
      "src/quota.test.ts": "describe('x', () => {});\n",
    };
    expect(rank(files, "quota exceeded message").slice(0, 2)).toEqual(["src/quota.ts", "src/quota.test.ts"]);
    expect(rankWithout("tests", files, "quota exceeded message")[1]).toBe("src/notice.ts");
  });

  it("co-change: files that changed together with a hit follow it", () => {
    const files = { "src/aaa.ts": filler(3), "src/billing.ts": "export function billing() {}\n", "src/ledger.ts": filler(3, "entry") };
    const history = [["src/aaa.ts"], ["src/billing.ts", "src/ledger.ts"], ["src/billing.ts", "src/ledger.ts"]];
    expect(rank(files, "billing rounding", { history }).slice(0, 2)).toEqual(["src/billing.ts", "src/ledger.ts"]);
    expect(rankWithout("coChange", files, "billing rounding", { history })[1]).toBe("src/aaa.ts");
  });

  it("recency is a prior: it orders equal matches but does not lift a file that does not match", () => {
    const files = { "src/a-theme.ts": "theme colors\n", "src/b-theme.ts": "theme colors\n", "src/c-recent.ts": filler(2) };
    const history = [["src/c-recent.ts", "src/b-theme.ts"]];
    expect(rank(files, "theme colors", { history })).toEqual(["src/b-theme.ts", "src/a-theme.ts", "src/c-recent.ts"]);
    expect(rankWithout("recency", files, "theme colors", { history }).slice(0, 2)).toEqual(["src/a-theme.ts", "src/b-theme.ts"]);
  });

  it("commit scope: 'fix(cli): …' prefers files under a cli folder", () => {
    const files: Record<string, string> = {
      "apps/cli/src/chat-entry.tsx": "export function ChatEntry() { return renderMarkdown(text); }\n",
      "apps/web/src/chat-entry.tsx": "export function ChatEntry() { return renderMarkdown(markdown); }\n",
    };
    for (let i = 0; i < 4; i++) files[`apps/cli/src/f${i}.ts`] = files[`apps/web/src/f${i}.ts`] = filler(3);
    const task = "fix(cli): stop markdown from flashing";
    expect(rank(files, task)[0]).toBe("apps/cli/src/chat-entry.tsx");
    expect(rankWithout("scope", files, task)[0]).toBe("apps/web/src/chat-entry.tsx");
    expect(commitScope("feat(llms)!: x")).toBe("llms");
    expect(commitScope("fix the cli(s): x")).toBeUndefined();
  });

  it("targets come first in the order given, whatever the task says", () => {
    const files = { "a.ts": "alpha\n", "b.ts": "beta\n", "c.ts": "alpha beta\n" };
    expect(rank(files, "alpha beta", { targets: ["b.ts", "a.ts"] }).slice(0, 2)).toEqual(["b.ts", "a.ts"]);
  });

  it("has a default for every weight", () => {
    for (const v of Object.values(DEFAULT_WEIGHTS)) expect(v).toBeGreaterThan(0);
  });
});
