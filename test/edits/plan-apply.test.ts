import { applyPatch } from "diff";
import { mkdtemp, readFile, stat, symlink, writeFile, mkdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { applyPlan, createMemoryFs, EditApplyError, EditRefusedError, planEdits, type Edit, type MemoryFs } from "../../src/edits/index.js";

const sr = (p: string, search: string, replace: string): Edit => ({ kind: "search-replace", path: p, search, replace });

function repo(files: Record<string, string | Uint8Array>): MemoryFs {
  const fs = createMemoryFs();
  fs.put("/repo/.git/HEAD", "ref: refs/heads/main\n");
  for (const [p, c] of Object.entries(files)) fs.put(path.posix.join("/repo", p), c);
  return fs;
}

async function apply(fs: MemoryFs, edits: Edit[]): Promise<void> {
  await applyPlan("/repo", await planEdits("/repo", edits, { fs }), { fs });
}

describe("planEdits", () => {
  it("returns before, after, a unified diff and counts, writing nothing", async () => {
    const fs = repo({ "a.ts": "one\ntwo\n" });
    const plan = await planEdits("/repo", [sr("a.ts", "two\n", "2\nthree\n")], { fs });
    expect(plan.files).toHaveLength(1);
    expect(plan.files[0]).toMatchObject({ path: "a.ts", before: "one\ntwo\n", after: "one\n2\nthree\n", added: 2, removed: 1, created: false, deleted: false });
    expect(plan.files[0]?.diff).toContain("--- a/a.ts\n+++ b/a.ts\n@@ -1,2 +1,3 @@\n one\n-two\n+2\n+three\n");
    expect(fs.text("/repo/a.ts")).toBe("one\ntwo\n");
  });

  it("explains a miss to the model with the closest lines, and to the person in one line", async () => {
    const fs = repo({ "a.ts": "alpha\nbeta\ngamma\n" });
    const err = await planEdits("/repo", [sr("a.ts", "beta \ngama\n", "x\n")], { fs }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EditApplyError);
    const e = err as EditApplyError;
    expect(e.exitCode).toBe(1);
    expect(e.message).not.toContain("\n");
    expect(e.modelMessage).toContain("Did you mean lines 2–3:\nbeta\ngamma");
  });

  it("lists the candidates of an ambiguous edit", async () => {
    const fs = repo({ "a.ts": "x\ny\nx\n" });
    const e = (await planEdits("/repo", [sr("a.ts", "x\n", "z\n")], { fs }).catch((err: unknown) => err)) as EditApplyError;
    expect(e.failures[0]).toMatchObject({ reason: "ambiguous", candidates: [{ startLine: 1, endLine: 1 }, { startLine: 3, endLine: 3 }] });
    expect(e.modelMessage).toContain("lines 1–1, lines 3–3");
  });

  it.each([
    ["../outside.ts", "outside-repo"],
    ["/etc/passwd", "outside-repo"],
    ["a/../../x", "outside-repo"],
    [".git/config", "git-dir"],
    ["sub/.GIT/hooks/pre-commit", "git-dir"],
    ["link/evil.ts", "outside-repo"],
    ["gitlink/config", "git-dir"],
    ["bin.dat", "binary"],
  ])("refuses %s (%s) with exit 4 and writes nothing", async (p, reason) => {
    const fs = repo({ "a.ts": "a\n", "bin.dat": new Uint8Array([1, 0, 2]) });
    fs.put("/elsewhere/keep.txt", "k\n");
    fs.symlink("/repo/link", "/elsewhere");
    fs.symlink("/repo/gitlink", "/repo/.git");
    const before = fs.paths().map((x) => [x, fs.text(x)]);
    const err = await planEdits("/repo", [sr("a.ts", "a\n", "b\n"), sr(p, "", "pwned\n")], { fs }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EditRefusedError);
    expect((err as EditRefusedError).reason).toBe(reason);
    expect((err as EditRefusedError).exitCode).toBe(4);
    expect(fs.paths().map((x) => [x, fs.text(x)])).toEqual(before);
  });

  it("follows a symlink that stays inside the repo, and refuses paths outside allowedPaths", async () => {
    const fs = repo({ "real.ts": "a\n", "other.ts": "o\n" });
    fs.symlink("/repo/alias.ts", "real.ts");
    await apply(fs, [sr("alias.ts", "a\n", "b\n")]);
    expect(fs.text("/repo/real.ts")).toBe("b\n");
    const err = await planEdits("/repo", [sr("other.ts", "o\n", "p\n")], { fs, allowedPaths: ["real.ts"] }).catch((e: unknown) => e);
    expect(err).toMatchObject({ reason: "not-allowed" });
  });
});

describe("applyPlan", () => {
  it("keeps CRLF, BOM, a missing final newline and the mode", async () => {
    const fs = repo({});
    fs.put("/repo/w.ts", "\uFEFFone\r\ntwo\r\nthree", 0o755);
    await apply(fs, [sr("w.ts", "two\n", "TWO\nadded\n")]);
    expect(fs.text("/repo/w.ts")).toBe("\uFEFFone\r\nTWO\r\nadded\r\nthree");
    expect(fs.mode("/repo/w.ts")).toBe(0o755);
  });

  it("creates and deletes files", async () => {
    const fs = repo({ "old.ts": "bye\n" });
    await apply(fs, [sr("new/dir/n.ts", "", "hi\n"), { kind: "delete", path: "old.ts" }]);
    expect(fs.text("/repo/new/dir/n.ts")).toBe("hi\n");
    expect(fs.text("/repo/old.ts")).toBeUndefined();
  });

  it("applies nothing when one edit of the response fails", async () => {
    const fs = repo({ "a.ts": "a\n", "b.ts": "b\n" });
    await expect(planEdits("/repo", [sr("a.ts", "a\n", "A\n"), sr("b.ts", "nope\n", "B\n")], { fs })).rejects.toBeInstanceOf(EditApplyError);
    expect([fs.text("/repo/a.ts"), fs.text("/repo/b.ts")]).toEqual(["a\n", "b\n"]);
  });

  it("puts back files already replaced when a later rename fails", async () => {
    const fs = repo({ "a.ts": "a\n", "b.ts": "b\n" });
    const plan = await planEdits("/repo", [sr("a.ts", "a\n", "A\n"), sr("b.ts", "b\n", "B\n")], { fs });
    fs.failOn = (op, p) => op === "rename" && p === "/repo/b.ts";
    await expect(applyPlan("/repo", plan, { fs })).rejects.toThrow(/nothing was changed/);
    fs.failOn = undefined;
    expect([fs.text("/repo/a.ts"), fs.text("/repo/b.ts")]).toEqual(["a\n", "b\n"]);
    expect(fs.paths().filter((p) => p.endsWith(".tmp"))).toEqual([]);
  });

  it("calls onFileReplaced after each file is in place, before the next", async () => {
    const fs = repo({ "a.ts": "a\n", "b.ts": "b\n" });
    const plan = await planEdits("/repo", [sr("a.ts", "a\n", "A\n"), sr("b.ts", "b\n", "B\n")], { fs });
    const seen: string[] = [];
    await applyPlan("/repo", plan, { fs, onFileReplaced: (done, total) => void seen.push(`${done}/${total} ${fs.text("/repo/a.ts")}${fs.text("/repo/b.ts")}`) });
    expect(seen).toEqual(["1/2 A\nb\n", "2/2 A\nB\n"]);
  });

  it("refuses to write a file that changed since it was planned", async () => {
    const fs = repo({ "a.ts": "a\n" });
    const plan = await planEdits("/repo", [sr("a.ts", "a\n", "A\n")], { fs });
    fs.put("/repo/a.ts", "changed\n");
    await expect(applyPlan("/repo", plan, { fs })).rejects.toBeInstanceOf(EditApplyError);
    expect(fs.text("/repo/a.ts")).toBe("changed\n");
  });
});

describe("on the real file system", () => {
  let dir = "";
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("writes atomically, keeps the executable bit, and refuses a symlink out of the repo", async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "spark-edits-"));
    const root = path.join(dir, "repo");
    await mkdir(path.join(root, ".git"), { recursive: true });
    await writeFile(path.join(root, "run.sh"), "echo a\n", { mode: 0o755 });
    await symlink(dir, path.join(root, "up"));
    await applyPlan(root, await planEdits(root, [sr("run.sh", "echo a\n", "echo b\n")]));
    expect(await readFile(path.join(root, "run.sh"), "utf8")).toBe("echo b\n");
    expect((await stat(path.join(root, "run.sh"))).mode & 0o777).toBe(0o755);
    await expect(planEdits(root, [sr("up/x.ts", "", "x\n")])).rejects.toBeInstanceOf(EditRefusedError);
  });
});

describe("lazy whole files", () => {
  const original = ["import x from 'x';", "", "function a() {", "  return 1;", "}", "", "function b() {", "  return 2;", "}", "", "export { a, b };"].join("\n") + "\n";

  it.each([
    ["a middle elision keeps the skipped lines", "import x from 'x';\n\n// ... existing code ...\n\nfunction b() {\n  return 3;\n}\n\nexport { a, b };\n", original.replace("return 2", "return 3")],
    ["a leading elision", "// ...\nfunction b() {\n  return 2;\n}\n\nexport { a, b, c };\n", original.replace("export { a, b }", "export { a, b, c }")],
    ["a trailing elision next to a changed line", "import y from 'y';\n\n// ... rest unchanged ...\n", original.replace("import x from 'x'", "import y from 'y'")],
  ])("%s", async (_name, content, expected) => {
    const fs = repo({ "m.ts": original });
    await apply(fs, [{ kind: "whole", path: "m.ts", content }]);
    expect(fs.text("/repo/m.ts")).toBe(expected);
  });

  it("takes '...' literally when the file itself has that line", async () => {
    const fs = repo({ "stub.py": "def f():\n    ...\n" });
    await apply(fs, [{ kind: "whole", path: "stub.py", content: "def g():\n    ...\n" }]);
    expect(fs.text("/repo/stub.py")).toBe("def g():\n    ...\n");
  });
});

describe("conflict markers in a whole-file edit", () => {
  const whole = (p: string, content: string): Edit => ({ kind: "whole", path: p, content });

  it("applies SEARCH/REPLACE blocks sent as a file's whole content as blocks", async () => {
    const fs = repo({ "a.txt": "hello\nworld\n" });
    await apply(fs, [whole("a.txt", "<<<<<<< SEARCH\nworld\n=======\nplanet\n>>>>>>> REPLACE\n")]);
    expect(fs.text("/repo/a.txt")).toBe("hello\nplanet\n");
  });

  it("never writes markers the file did not have, and keeps a whole rewrite of a file that has them", async () => {
    const fs = repo({ "a.txt": "hello\nworld\n", "c.txt": "<<<<<<< HEAD\nours\n=======\ntheirs\n>>>>>>> main\n" });
    const err = await planEdits("/repo", [whole("a.txt", "hello\n<<<<<<< HEAD\nworld\n=======\nplanet\n>>>>>>> main\n")], { fs }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EditApplyError);
    expect((err as EditApplyError).message).toMatch(/conflict markers/);
    expect(fs.text("/repo/a.txt")).toBe("hello\nworld\n");
    await apply(fs, [whole("c.txt", "<<<<<<< HEAD\nours\n=======\nboth\n>>>>>>> main\n")]);
    expect(fs.text("/repo/c.txt")).toBe("<<<<<<< HEAD\nours\n=======\nboth\n>>>>>>> main\n");
  });
});

describe("temp files", () => {
  it("go to tempDir when a rename from there is atomic (one file system), else beside the target", async () => {
    for (const same of [true, false]) {
      const fs = repo({ "a.ts": "one\n" });
      fs.put("/repo/.git/spark/tmp/.keep", "");
      const written: string[] = [];
      const writeFile = fs.writeFile.bind(fs);
      const spy: MemoryFs = Object.assign(fs, {
        writeFile: async (p: string, data: Uint8Array, mode: number) => {
          written.push(p);
          await writeFile(p, data, mode);
        },
        sameDevice: async () => same,
      });
      await applyPlan("/repo", await planEdits("/repo", [sr("a.ts", "one\n", "two\n")], { fs: spy }), { fs: spy, tempDir: "/repo/.git/spark/tmp" });
      expect(written).toHaveLength(1);
      expect(path.dirname(written[0] ?? "")).toBe(same ? "/repo/.git/spark/tmp" : "/repo");
      expect(fs.text("/repo/a.ts")).toBe("two\n");
      expect(fs.paths().filter((p) => p.endsWith(".tmp"))).toEqual([]);
    }
  });
});

describe("whole-file rewrites of large files", () => {
  it("plans eight ~600 KB files that change every other line with a diff near-linear in their size", async () => {
    // Myers' diff (lines × changes) took ~30 s per file here: this test then runs past its timeout.
    const fs = createMemoryFs();
    fs.put("/repo/.git/HEAD", "ref: refs/heads/main\n");
    const edits: Edit[] = [];
    for (let f = 0; f < 8; f++) {
      const old = Array.from({ length: 12_000 }, (_, i) => `export const v${f}_${i} = compute(${i}, "text ${i % 97}");`);
      fs.put(`/repo/f${f}.ts`, old.join("\n") + "\n");
      edits.push({ kind: "whole", path: `f${f}.ts`, content: old.map((l, i) => (i % 2 ? `${l} // edited` : l)).join("\n") + "\n" });
    }
    const plan = await planEdits("/repo", edits, { fs });
    expect(plan.files.map((c) => [c.added, c.removed])).toEqual(Array.from({ length: 8 }, () => [6000, 6000]));
    for (const c of plan.files) expect(applyPatch(c.before, c.diff)).toBe(c.after);
  }, 60_000);
});
