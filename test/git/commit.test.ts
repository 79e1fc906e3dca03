import { unlinkSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { commitApplied } from "../../src/git/index.js";
import { git, makeRepo, write } from "./helpers.js";

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});
function repo(): string {
  const r = makeRepo();
  cleanups.push(r.cleanup);
  git(r.dir, "config", "user.name", "Committer");
  git(r.dir, "config", "user.email", "c@example.com");
  return r.dir;
}

describe("commitApplied", () => {
  it("commits exactly the applied files on the current branch, leaving other staged work staged", async () => {
    const dir = repo();
    write(dir, "keep.txt", "1\n");
    write(dir, "gone.txt", "1\n");
    write(dir, "edited.txt", "1\n");
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", "init");
    write(dir, "keep.txt", "user's staged change\n");
    git(dir, "add", "keep.txt");
    write(dir, "edited.txt", "2\n");
    write(dir, "created.txt", "new\n");
    unlinkSync(path.join(dir, "gone.txt"));

    const sha = await commitApplied(dir, ["edited.txt", "created.txt", "gone.txt", "never-existed.txt"], "spark: apply edits");
    expect(sha).toBe(git(dir, "rev-parse", "HEAD").trim());
    expect(git(dir, "rev-parse", "main").trim()).toBe(sha);
    expect(git(dir, "log", "-1", "--format=%s%n%an")).toBe("spark: apply edits\nCommitter\n");
    expect(git(dir, "show", "--name-status", "--format=", "HEAD")).toBe("A\tcreated.txt\nM\tedited.txt\nD\tgone.txt\n");
    expect(git(dir, "status", "--porcelain")).toBe("M  keep.txt\n");
  });

  it("returns null when the files have nothing to commit", async () => {
    const dir = repo();
    write(dir, "f.txt", "1\n");
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", "init");
    expect(await commitApplied(dir, ["f.txt", "missing.txt"], "nothing")).toBeNull();
    expect(git(dir, "rev-list", "--count", "HEAD")).toBe("1\n");
  });

  it("makes the first commit of an empty repository", async () => {
    const dir = repo();
    write(dir, "a.txt", "a\n");
    write(dir, "b.txt", "b\n");
    const sha = await commitApplied(dir, ["a.txt"], "first");
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    expect(git(dir, "ls-tree", "--name-only", "HEAD")).toBe("a.txt\n");
  });
});
