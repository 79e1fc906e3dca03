import { describe, expect, it } from "vitest";
import { matchBlock } from "../../src/edits/index.js";

const FILE = ["function f() {", "  if (x) {", "    return 'a';  ", "  }", "  return 'b';", "}", "", "const s = \"x\";"];

describe("matching chain", () => {
  it("exact", () => {
    const r = matchBlock(FILE, ["  return 'b';"], ["  return 'c';"]);
    expect(r).toMatchObject({ ok: true, start: 4, end: 5, stage: "exact", lines: ["  return 'c';"] });
  });

  it("trailing whitespace: the file keeps its own unchanged lines", () => {
    const r = matchBlock(FILE, ["  if (x) {", "    return 'a';"], ["  if (x) {", "    return 'z';"]);
    expect(r).toMatchObject({ ok: true, stage: "trailing-whitespace", lines: ["  if (x) {", "    return 'z';"] });
  });

  it("indentation: the replacement is re-indented by the same offset", () => {
    const r = matchBlock(FILE, ["if (x) {", "  return 'a';", "}"], ["if (y) {", "  return 'a';", "}"]);
    expect(r).toMatchObject({ ok: true, start: 1, end: 4, stage: "indentation", lines: ["  if (y) {", "    return 'a';  ", "  }"] });
  });

  it("unicode: curly quotes and dashes match, and new lines get the file's plain characters", () => {
    const r = matchBlock(["const s = 'a-b';", "x"], ["const s = \u2018a\u2013b\u2019;"], ["const s = \u2018a\u2013c\u2019;", "// don\u2019t"]);
    expect(r).toMatchObject({ ok: true, stage: "unicode", lines: ["const s = 'a-c';", "// don\u2019t"] });
  });

  it("elision: '...' in SEARCH and REPLACE keeps the skipped lines", () => {
    const r = matchBlock(FILE, ["function f() {", "  // ...", "}"], ["function g() {", "  // ...", "}"]);
    expect(r).toMatchObject({ ok: true, start: 0, end: 6, stage: "elision" });
    if (r.ok) expect(r.lines).toEqual(["function g() {", ...FILE.slice(1, 5), "}"]);
  });

  it("anchors: first and last lines plus a similar middle", () => {
    const r = matchBlock(FILE, ["function f() {", "  if (x) {", "    return 'A';", "  }", "  return 'b';", "}"], ["function f() {", "  return 'b';", "}"]);
    expect(r).toMatchObject({ ok: true, start: 0, end: 6, stage: "anchors" });
  });

  it("several places: ambiguous, with the candidates", () => {
    const r = matchBlock(["a", "x", "b", "x"], ["x"], ["y"]);
    expect(r).toEqual({ ok: false, reason: "ambiguous", candidates: [{ start: 1, end: 2 }, { start: 3, end: 4 }] });
  });

  it("a line-number hint picks the nearest of several places", () => {
    const r = matchBlock(["a", "x", "b", "x"], ["x"], ["y"], { hint: 3 });
    expect(r).toMatchObject({ ok: true, start: 3 });
  });

  it("no match: the closest region for 'did you mean'", () => {
    const r = matchBlock(FILE, ["  if (z) {", "    return 'a';", "  }"], ["x"]);
    expect(r).toMatchObject({ ok: false, reason: "no-match", closest: { start: 1, end: 4 } });
  });
});
