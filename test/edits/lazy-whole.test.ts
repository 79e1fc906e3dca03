import { describe, expect, it } from "vitest";
import { applyPlan, createMemoryFs, EditApplyError, planEdits } from "../../src/edits/index.js";
import { mergeElided } from "../../src/edits/lazy-whole.js";

const GAP = "// ... existing code ...";

/** The merged lines, failing the test when the merge fails. */
function merged(original: string[], content: string[]): string[] {
  const r = mergeElided(original, content);
  if (!r.ok) throw new Error(`merge failed: ${r.reason}`);
  return r.lines;
}

describe("mergeElided: the lines next to '...' anchor it", () => {
  it("a deletion right before a trailing '...' is kept as a deletion, not swallowed by the gap", () => {
    const original = [
      "class A {",
      "  conflicts(names) {",
      "    if (!ok(names)) {",
      "      throw new Error('bad names');",
      "    }",
      "",
      "    this.list = this.list.concat(names);",
      "    return this;",
      "  }",
      "  other() {",
      "    return 1;",
      "  }",
      "}",
    ];
    const content = ["class A {", "  conflicts(names) {", "    this.list = this.list.concat(names);", GAP];
    expect(merged(original, content)).toEqual([...original.slice(0, 2), ...original.slice(6)]);
  });

  it("weak lines ('}', blank) next to '...' extend the anchor to the next distinctive line", () => {
    // Six lines deleted above `return this;`: dropping them beats writing three lines twice only
    // when "  }" alone (it closes every method) does not decide where the gap starts.
    const checks = ["    if (!ok(names)) {", "      throw new Error('bad names');", "    }", "    if (names.length > 9) {", "      throw new Error('too many');", "    }"];
    const rest = ["  other() {", "    return 1;", "  }", "}"];
    const original = ["class A {", "  conflicts(names) {", ...checks, "    this.list = this.list.concat(names);", "    return this;", "  }", ...rest];
    const content = ["class A {", "  conflicts(names) {", "    this.list = this.list.concat(names);", "    return this;", "  }", GAP];
    expect(merged(original, content)).toEqual([...content.slice(0, -1), ...rest]);
  });
});

describe("mergeElided: content that runs to the file's edge uses up the original to that edge", () => {
  it("a leading '...' then a repeated closing line and a new test appends it after the last one", () => {
    const test = (name: string): string[] => [
      `test('${name}', () => {`,
      "  const program = new Command();",
      `  program.parse(['${name}']);`,
      "  expect(program.opts()).toEqual({});",
      `  expect(program.args).toEqual(['${name}']);`,
      "});",
      "",
    ];
    const original = ["const { Command } = require('../');", "", ...test("one"), ...test("two"), ...test("three")].slice(0, -1);
    // "});" and "" stand after every test; the earliest fit would drop tests two and three.
    const added = ["test('four', () => {", "  const program = new Command();", "  program.parse([]);", "});"];
    expect(merged(original, [GAP, "});", "", ...added])).toEqual([...original, "", ...added]);
  });

  it("lines rewritten right before a trailing '...' replace their old selves instead of joining them", () => {
    const original = ["program", "  .action(function (cmd, env) {", "    log('command:', cmdValue);", "    log('environment:', envValue);", "  });", "", "More text here.", "And more.", "The end."];
    const content = ["program", "  .action(function (cmd, env) {", "    log('command:', cmd);", "    log('environment:', env);", "  });", "..."];
    expect(merged(original, content)).toEqual([original[0], original[1], "    log('command:', cmd);", "    log('environment:', env);", ...original.slice(4)]);
  });
});

describe("mergeElided: a placement nothing decides is an error, never a guess", () => {
  // "item one" at the end: either the last "item two" was deleted, or "two" was rewritten as "one";
  // both are edits of two lines.
  const original = ["head line", "item", "one", "item", "two"];
  const content = [GAP, "item", "one"];

  it("reports the '...' as ambiguous", () => {
    expect(mergeElided(original, content)).toEqual({ ok: false, reason: "ambiguous", elision: 1 });
  });

  it("applying it fails with a model message and changes nothing", async () => {
    const fs = createMemoryFs();
    fs.put("/repo/.git/HEAD", "ref: refs/heads/main\n");
    fs.put("/repo/list.txt", original.join("\n") + "\n");
    const edits = [{ kind: "whole" as const, path: "list.txt", content: content.join("\n") + "\n" }];
    const err = await planEdits("/repo", edits, { fs }).then(
      async (plan) => applyPlan("/repo", plan, { fs }),
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(EditApplyError);
    const e = err as EditApplyError;
    expect(e.failures[0]?.reason).toBe("ambiguous");
    expect(e.modelMessage).toMatch(/fit more than one place/);
    expect(fs.text("/repo/list.txt")).toBe(original.join("\n") + "\n");
  });
});
