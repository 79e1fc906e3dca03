import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createCheckpoint, undoCheckpoint } from "../../src/git/index.js";
import { files, git, gitState, makeRepo, write } from "./helpers.js";

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});
function repo(): string {
  const r = makeRepo();
  cleanups.push(r.cleanup);
  return r.dir;
}
function outsideDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), "spark-outside-"));
  cleanups.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

describe("undo edge cases", () => {
  it("never writes through symlinks, in either direction", async () => {
    const dir = repo();
    const outside = outsideDir();
    writeFileSync(path.join(outside, "x"), "outside, must stay\n");
    symlinkSync(outside, path.join(dir, "linkdir"));
    write(dir, "d/x", "inside d\n");
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", "links");
    const before = files(dir);

    await createCheckpoint(dir, { task: "t", files: ["linkdir", "linkdir/x", "d", "d/x"] });
    // A symlinked folder becomes a real one, and a real folder becomes a symlink out of the repo.
    unlinkSync(path.join(dir, "linkdir"));
    write(dir, "linkdir/x", "real folder now\n");
    rmSync(path.join(dir, "d"), { recursive: true });
    symlinkSync(outside, path.join(dir, "d"));
    await undoCheckpoint(dir);

    expect(files(dir)).toEqual(before);
    expect(readlinkSync(path.join(dir, "linkdir"))).toBe(outside);
    expect(lstatSync(path.join(dir, "d")).isDirectory()).toBe(true);
    expect(readFileSync(path.join(outside, "x"), "utf8")).toBe("outside, must stay\n");
  });

  it("sees a same-size change made right after a checkpoint (git's racy-clean check)", async () => {
    const dir = repo();
    write(dir, "f.txt", "aaaa\n");
    const first = await createCheckpoint(dir, { task: "1", files: [] });
    write(dir, "f.txt", "bbbb\n");
    const second = await createCheckpoint(dir, { task: "2", files: [] });
    expect(git(dir, "show", `${first.ref}:f.txt`)).toBe("aaaa\n");
    expect(git(dir, "show", `${second.ref}:f.txt`)).toBe("bbbb\n");
  });

  it("leaves nested repositories alone", async () => {
    const dir = repo();
    write(dir, "top.txt", "top\n");
    const nested = path.join(dir, "vendor", "lib");
    mkdirSync(nested, { recursive: true });
    git(nested, "init", "-q", "-b", "main");
    write(nested, "lib.txt", "nested repo file\n");
    git(nested, "add", "-A");
    git(nested, "commit", "-qm", "lib");
    await createCheckpoint(dir, { task: "t", files: ["top.txt", "vendor/lib/lib.txt"] });
    write(dir, "top.txt", "edited\n");
    write(nested, "lib.txt", "changed inside the nested repo\n");
    await undoCheckpoint(dir);
    expect(readFileSync(path.join(dir, "top.txt"), "utf8")).toBe("top\n");
    expect(readFileSync(path.join(nested, "lib.txt"), "utf8")).toBe("changed inside the nested repo\n");
    expect(existsSync(path.join(nested, ".git"))).toBe(true);
  });

  it("works in a linked worktree without touching the main one", async () => {
    const dir = repo();
    write(dir, "f.txt", "main\n");
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", "c");
    const wt = path.join(outsideDir(), "wt");
    git(dir, "worktree", "add", "-q", "-b", "side", wt);
    const mainState = gitState(dir);
    const wtState = gitState(wt);
    write(wt, "f.txt", "worktree edit\n");
    write(wt, "new.txt", "new\n");
    const wtFiles = files(wt);
    await createCheckpoint(wt, { task: "wt", files: ["f.txt", "new.txt"] });
    write(wt, "f.txt", "spark edit\n");
    rmSync(path.join(wt, "new.txt"));
    await undoCheckpoint(wt);
    expect(files(wt)).toEqual(wtFiles);
    expect(gitState(dir)).toEqual(mainState);
    expect({ ...gitState(wt), status: "", index: "" }).toEqual({ ...wtState, status: "", index: "" });
  });

  it("recovers from a scratch index.lock and a corrupt scratch index left by a killed run", async () => {
    const dir = repo();
    write(dir, "f.txt", "v1\n");
    await createCheckpoint(dir, { task: "1", files: [] });
    writeFileSync(path.join(dir, ".git", "spark", "index.lock"), "");
    write(dir, "f.txt", "v2\n");
    const second = await createCheckpoint(dir, { task: "2", files: [] });
    expect(git(dir, "show", `${second.ref}:f.txt`)).toBe("v2\n");
    writeFileSync(path.join(dir, ".git", "spark", "index"), "garbage");
    write(dir, "f.txt", "v3\n");
    const third = await createCheckpoint(dir, { task: "3", files: [] });
    expect(git(dir, "show", `${third.ref}:f.txt`)).toBe("v3\n");
  });

  it("works in the middle of a merge conflict, leaving the merge state alone", async () => {
    const dir = repo();
    write(dir, "f.txt", "base\n");
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", "base");
    git(dir, "checkout", "-qb", "other");
    write(dir, "f.txt", "other\n");
    git(dir, "commit", "-qam", "other");
    git(dir, "checkout", "-q", "main");
    write(dir, "f.txt", "main\n");
    git(dir, "commit", "-qam", "main");
    expect(() => git(dir, "merge", "-q", "other")).toThrow();
    write(dir, "new\nline name.txt", "a newline in the name\n");
    const beforeFiles = files(dir);
    const beforeGit = gitState(dir);
    expect(beforeGit.status).toContain("UU f.txt");

    await createCheckpoint(dir, { task: "resolve", files: ["f.txt", "new\nline name.txt"] });
    write(dir, "f.txt", "resolved by an edit\n");
    rmSync(path.join(dir, "new\nline name.txt"));
    await undoCheckpoint(dir);
    expect(files(dir)).toEqual(beforeFiles);
    expect(gitState(dir)).toEqual(beforeGit);
    expect(git(dir, "rev-parse", "-q", "--verify", "MERGE_HEAD")).toMatch(/^[0-9a-f]{40}\n$/);
  });

  it("round-trips CRLF files byte for byte under core.autocrlf=true and a text attribute", async () => {
    const dir = repo();
    git(dir, "config", "core.autocrlf", "true");
    write(dir, ".gitattributes", "*.md text eol=crlf\n");
    write(dir, "win.txt", "one\r\ntwo\r\n");
    write(dir, "doc.md", "# title\r\nbody\r\n");
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", "crlf");
    write(dir, "win.txt", "one\r\ntwo\r\nthree (unstaged)\r\n");
    const before = files(dir);
    await createCheckpoint(dir, { task: "t", files: ["win.txt", "doc.md"] });
    write(dir, "win.txt", "edited\n");
    write(dir, "doc.md", "edited\n");
    await undoCheckpoint(dir);
    expect(files(dir)).toEqual(before);
  });
});
