import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, unlinkSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createCheckpoint, listCheckpoints, undoCheckpoint } from "../../src/git/index.js";
import { files, git, gitState, makeRepo, write } from "./helpers.js";

const BINARY = Buffer.from([0, 1, 2, 255, 254, 0, 10, 13, 10, 0x80, 0x81]);

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

/** A repo with a commit, a second branch, a stash entry, and every kind of pending change. */
function messyRepo(): string {
  const dir = repo();
  write(dir, ".gitignore", "*.log\nignored/\n");
  write(dir, "a.txt", "alpha\n");
  write(dir, "b.txt", "bravo\n");
  write(dir, "gone.txt", "will be git rm'd\n");
  write(dir, "del.txt", "deleted in the worktree only\n");
  write(dir, "exec.sh", "#!/bin/sh\necho hi\n");
  chmodSync(path.join(dir, "exec.sh"), 0o755);
  write(dir, "mode.txt", "gains the exec bit\n");
  write(dir, "crlf.txt", "one\r\ntwo\r\nno newline at end");
  write(dir, "bin.dat", BINARY);
  write(dir, "with space.txt", "spaces\n");
  write(dir, "ünïcödé/名前.txt", "non-ascii\n");
  write(dir, "deep/er/c.txt", "charlie\n");
  symlinkSync("a.txt", path.join(dir, "link"));
  symlinkSync("nowhere", path.join(dir, "dangling"));
  git(dir, "add", "-A");
  git(dir, "commit", "-qm", "init");
  git(dir, "branch", "feature");
  write(dir, "b.txt", "stashed change\n");
  git(dir, "stash", "-q");
  // staged
  write(dir, "a.txt", "alpha staged\n");
  write(dir, "staged-new.txt", "staged new file\n");
  git(dir, "add", "a.txt", "staged-new.txt");
  git(dir, "rm", "-q", "gone.txt");
  // unstaged (a.txt is now both staged and unstaged)
  write(dir, "a.txt", "alpha staged then changed again\n");
  write(dir, "b.txt", "bravo unstaged\r\n");
  unlinkSync(path.join(dir, "del.txt"));
  chmodSync(path.join(dir, "mode.txt"), 0o755);
  // untracked
  write(dir, "new/nested/deeper/u.txt", "untracked\n");
  write(dir, "dir with space/ü ñ.txt", "untracked non-ascii\n");
  // ignored
  write(dir, "x.log", "ignored log\n");
  write(dir, "ignored/keep.bin", BINARY);
  return dir;
}

/** The paths `editEverything` touches: what its checkpoint lists. */
const EVERYTHING = [
  "a.txt",
  "b.txt",
  "brand/new/dir/file.txt",
  "exec.sh",
  "mode.txt",
  "link",
  "crlf.txt",
  "bin.dat",
  "with space.txt",
  "ünïcödé/名前.txt",
  "new/nested/deeper/u.txt",
  "del.txt",
  "deep/er/c.txt",
  "deep",
  "staged-new.txt",
];

/** Every kind of edit an apply could make. */
function editEverything(dir: string): void {
  write(dir, "a.txt", "edited\n");
  unlinkSync(path.join(dir, "b.txt"));
  write(dir, "brand/new/dir/file.txt", "created\n");
  chmodSync(path.join(dir, "exec.sh"), 0o644);
  chmodSync(path.join(dir, "mode.txt"), 0o644);
  unlinkSync(path.join(dir, "link"));
  write(dir, "link", "a file where a symlink was\n");
  write(dir, "crlf.txt", "one\ntwo\n");
  write(dir, "bin.dat", Buffer.concat([BINARY, BINARY]));
  unlinkSync(path.join(dir, "with space.txt"));
  write(dir, "ünïcödé/名前.txt", "changed\n");
  write(dir, "new/nested/deeper/u.txt", "untracked, edited\n");
  write(dir, "del.txt", "recreated\n");
  rmSync(path.join(dir, "deep"), { recursive: true });
  write(dir, "deep", "a file where a folder was\n");
  write(dir, "staged-new.txt", "edited staged new\n");
}

describe("checkpoint and undo", () => {
  it("restores staged, unstaged and untracked work byte for byte, leaving git's own state alone", async () => {
    const dir = messyRepo();
    const beforeFiles = files(dir);
    const beforeGit = gitState(dir);

    const cp = await createCheckpoint(dir, { task: "edit everything", files: EVERYTHING });
    expect(cp).toMatchObject({ id: "1", ref: "refs/spark/checkpoints/1", task: "edit everything" });
    expect(files(dir)).toEqual(beforeFiles);
    expect(gitState(dir)).toEqual(beforeGit);

    editEverything(dir);
    // Ignored files changed after the checkpoint are the user's business: undo leaves them.
    write(dir, "x.log", "log written after the checkpoint\n");
    write(dir, "ignored/new.bin", "new ignored\n");
    const expected = {
      ...beforeFiles,
      "x.log": files(dir)["x.log"],
      "ignored/new.bin": files(dir)["ignored/new.bin"],
    };

    const result = await undoCheckpoint(dir);
    expect(result.restored.id).toBe("1");
    expect(result.safety.id).toBe("2");
    expect(result.displaced).toEqual([]);
    expect(files(dir)).toEqual(expected);
    expect(gitState(dir)).toEqual(beforeGit);
    expect(existsSync(path.join(dir, "brand"))).toBe(false);
  });

  it("undo of an undo returns to the edited state", async () => {
    const dir = messyRepo();
    const beforeGit = gitState(dir);
    const beforeFiles = files(dir);
    await createCheckpoint(dir, { task: "t", files: EVERYTHING });
    editEverything(dir);
    const edited = files(dir);

    const first = await undoCheckpoint(dir);
    expect(files(dir)).toEqual(beforeFiles);
    const second = await undoCheckpoint(dir);
    expect(second.restored.id).toBe(first.safety.id);
    expect(files(dir)).toEqual(edited);
    expect(gitState(dir)).toEqual({ ...beforeGit, status: gitState(dir).status });
    // And back again, by id this time.
    await undoCheckpoint(dir, "1");
    expect(files(dir)).toEqual(beforeFiles);
    expect(gitState(dir)).toEqual(beforeGit);
  });

  it("works in an empty repository with no commits", async () => {
    const dir = repo();
    write(dir, "first.txt", "first\n");
    write(dir, "sub/dir/second.bin", BINARY);
    git(dir, "add", "first.txt");
    const beforeFiles = files(dir);
    const beforeGit = gitState(dir);
    expect(beforeGit.head).toBe("unborn");

    await createCheckpoint(dir, { task: "init", files: ["first.txt", "sub/dir/second.bin", "third.txt"] });
    write(dir, "first.txt", "changed\n");
    rmSync(path.join(dir, "sub"), { recursive: true });
    write(dir, "third.txt", "new\n");
    await undoCheckpoint(dir);
    expect(files(dir)).toEqual(beforeFiles);
    expect(gitState(dir)).toEqual(beforeGit);
  });

  it("checkpoints an empty working tree and undo removes everything created since", async () => {
    const dir = repo();
    await createCheckpoint(dir, { task: "nothing yet", files: ["a/b/c.txt", "d.txt"] });
    write(dir, "a/b/c.txt", "new\n");
    write(dir, "d.txt", "new\n");
    await undoCheckpoint(dir);
    expect(files(dir)).toEqual({});
  });

  it("restores to a given checkpoint across several applies", async () => {
    const dir = repo();
    write(dir, "f.txt", "v1\n");
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", "v1");
    const v1 = files(dir);
    const c1 = await createCheckpoint(dir, { task: "first", files: ["f.txt", "g.txt"] });
    write(dir, "f.txt", "v2\n");
    write(dir, "g.txt", "g\n");
    const c2 = await createCheckpoint(dir, { task: "second", files: ["f.txt"] });
    write(dir, "f.txt", "v3\n");
    expect([c1.id, c2.id]).toEqual(["1", "2"]);
    expect((await listCheckpoints(dir)).map((c) => c.id)).toEqual(["2", "1"]);

    const r = await undoCheckpoint(dir, c1.id);
    expect(r.restored.task).toBe("first");
    expect(files(dir)).toEqual(v1);
    expect(r.changed.sort()).toEqual(["f.txt", "g.txt"]);
  });

  it("removes an ignored file the edit created and restores an ignored file it changed, when listed", async () => {
    const dir = repo();
    write(dir, ".gitignore", "*.env\n");
    write(dir, "old.env", "SECRET=1\n");
    write(dir, "unlisted.env", "untouched\n");
    git(dir, "add", ".gitignore");
    git(dir, "commit", "-qm", "i");
    await createCheckpoint(dir, { task: "t", files: ["old.env", "made.env"] });
    write(dir, "old.env", "SECRET=2\n");
    write(dir, "made.env", "created\n");
    write(dir, "unlisted.env", "changed by the user\n");
    await undoCheckpoint(dir);
    expect(readFileSync(path.join(dir, "old.env"), "utf8")).toBe("SECRET=1\n");
    expect(existsSync(path.join(dir, "made.env"))).toBe(false);
    expect(readFileSync(path.join(dir, "unlisted.env"), "utf8")).toBe("changed by the user\n");
    // The scratch index forgets the force-added files: the next snapshot is plain `git add -A`.
    await createCheckpoint(dir, { task: "t2", files: [] });
    expect(git(dir, "ls-tree", "-r", "--name-only", "refs/spark/checkpoints/3")).toBe(".gitignore\n");
  });

  it("moves aside, never deletes, ignored files standing where a restored file must go", async () => {
    const dir = repo();
    write(dir, ".gitignore", "*.log\n");
    write(dir, "p", "a file\n");
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", "p");
    await createCheckpoint(dir, { task: "t", files: ["p"] });
    unlinkSync(path.join(dir, "p"));
    mkdirSync(path.join(dir, "p"));
    write(dir, "p/build.log", "precious ignored output\n");
    const r = await undoCheckpoint(dir);
    expect(readFileSync(path.join(dir, "p"), "utf8")).toBe("a file\n");
    expect(r.displaced).toEqual(["p"]);
    const aside = path.join(dir, ".git", "spark", "displaced", r.safety.id, "p", "build.log");
    expect(readFileSync(aside, "utf8")).toBe("precious ignored output\n");
  });

  it("keeps a restored file that became ignored in the safety checkpoint before overwriting it", async () => {
    const dir = repo();
    write(dir, "x.log", "v1, not ignored at checkpoint time\n");
    await createCheckpoint(dir, { task: "t", files: [".gitignore", "x.log"] });
    write(dir, ".gitignore", "*.log\n");
    write(dir, "x.log", "v2, the user's, now ignored\n");
    const r = await undoCheckpoint(dir);
    expect(readFileSync(path.join(dir, "x.log"), "utf8")).toBe("v1, not ignored at checkpoint time\n");
    expect(existsSync(path.join(dir, ".gitignore"))).toBe(false);
    expect(r.displaced).toEqual([]);
    expect(git(dir, "show", `${r.safety.ref}:x.log`)).toBe("v2, the user's, now ignored\n");
  });

  it("keeps task text and file names exactly, and never shows up in git status or branches", async () => {
    const dir = repo();
    const task = 'multi\nline "task" with \\ and \u0001 and ünïcode';
    const names = ["with space.txt", "ünïcödé/名前.txt", "quote\"d.txt", "-dash.txt", "*star.txt", ":(glob)magic"];
    for (const n of names) write(dir, n, n);
    const cp = await createCheckpoint(dir, { task, files: names });
    const [listed] = await listCheckpoints(dir);
    expect(listed).toEqual(cp);
    expect(Math.abs(listed!.time.getTime() - Date.now())).toBeLessThan(60_000);
    expect(git(dir, "ls-tree", "-r", "-z", "--name-only", cp.ref).split("\0").filter(Boolean).sort()).toEqual([...names].sort());
    expect(git(dir, "branch", "--list")).toBe("");
    expect(git(dir, "stash", "list")).toBe("");
  });
});
