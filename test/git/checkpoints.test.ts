import { mkdirSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { RepoError, UsageError } from "../../src/errors.js";
import { createCheckpoint, findRepoRoot, initRepo, listCheckpoints, pruneCheckpoints, undoCheckpoint } from "../../src/git/index.js";
import { parseCheckpointRefs } from "../../src/git/meta.js";
import { git, makeRepo, write } from "./helpers.js";

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

describe("findRepoRoot", () => {
  it("finds the root from a subfolder", async () => {
    const dir = repo();
    mkdirSync(path.join(dir, "a", "b"), { recursive: true });
    expect(await findRepoRoot(path.join(dir, "a", "b"))).toBe(realpathSync(dir));
  });

  it("fails with exit 4 and one line outside a repository", async () => {
    const outside = mkdtempSync(path.join(os.tmpdir(), "spark-norepo-"));
    cleanups.push(() => rmSync(outside, { recursive: true, force: true }));
    const err = await findRepoRoot(outside).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RepoError);
    expect((err as RepoError).exitCode).toBe(4);
    expect((err as RepoError).message).toBe(`not a git repository: ${outside} (run git init, or pass --cwd)`);
    await expect(findRepoRoot(path.join(outside, "missing"))).rejects.toThrow(/^no such directory: /);
    // What the TUI offers instead: git init, after which checkpoints work at once.
    expect(await initRepo(outside)).toBe(realpathSync(outside));
    write(outside, "f.txt", "x");
    expect((await createCheckpoint(outside, { task: "t", files: ["f.txt"] })).id).toBe("1");
  });
});

describe("checkpoints", () => {
  it("numbers checkpoints upward, even after pruning them all", async () => {
    const dir = repo();
    write(dir, "f.txt", "x");
    for (let i = 1; i <= 5; i++) await createCheckpoint(dir, { task: `t${i}`, files: ["f.txt"] });
    expect(await pruneCheckpoints(dir, 2)).toEqual(["3", "2", "1"]);
    expect((await listCheckpoints(dir)).map((c) => [c.id, c.task])).toEqual([
      ["5", "t5"],
      ["4", "t4"],
    ]);
    expect((await createCheckpoint(dir, { task: "t6", files: [] })).id).toBe("6");
    expect(await pruneCheckpoints(dir, 0)).toEqual(["6", "5", "4"]);
    expect(await listCheckpoints(dir)).toEqual([]);
    expect((await createCheckpoint(dir, { task: "t7", files: [] })).id).toBe("7");
    await expect(pruneCheckpoints(dir, -1)).rejects.toBeInstanceOf(UsageError);
  });

  it("keeps the 100 newest by default", async () => {
    const dir = repo();
    write(dir, "f.txt", "x");
    const cp = await createCheckpoint(dir, { task: "real", files: [] });
    // Cheap stand-ins: 101 more refs to the same commit.
    const sha = git(dir, "rev-parse", cp.ref).trim();
    for (let i = 2; i <= 102; i++) git(dir, "update-ref", `refs/spark/checkpoints/${i}`, sha);
    expect(await pruneCheckpoints(dir)).toEqual(["2", "1"]);
    expect((await listCheckpoints(dir)).length).toBe(100);
  });

  it("stores a commit whose parent is HEAD and whose tree is the working tree", async () => {
    const dir = repo();
    write(dir, "f.txt", "committed\n");
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", "c");
    write(dir, "f.txt", "uncommitted\n");
    const cp = await createCheckpoint(dir, { task: "t", files: [] });
    expect(git(dir, "rev-parse", `${cp.ref}^`)).toBe(git(dir, "rev-parse", "HEAD"));
    expect(git(dir, "show", `${cp.ref}:f.txt`)).toBe("uncommitted\n");
    expect(git(dir, "log", "-1", "--format=%s", cp.ref)).toBe("spark checkpoint 1: t\n");
  });

  it("rejects files outside the repository and inside .git", async () => {
    const dir = repo();
    await expect(createCheckpoint(dir, { task: "t", files: ["../escape.txt"] })).rejects.toThrow(/^path outside the repository/);
    await expect(createCheckpoint(dir, { task: "t", files: [".git/config"] })).rejects.toThrow(/^path inside \.git/);
    expect(await listCheckpoints(dir)).toEqual([]);
  });

  it("accepts absolute paths inside the repository and stores them repo-relative", async () => {
    const dir = repo();
    write(dir, "d/f.txt", "x");
    const cp = await createCheckpoint(dir, { task: "t", files: [path.join(dir, "d", "f.txt")] });
    expect(cp.files).toEqual(["d/f.txt"]);
  });

  it("undo explains when there is nothing to undo or no such checkpoint", async () => {
    const dir = repo();
    await expect(undoCheckpoint(dir)).rejects.toThrow("nothing to undo: this repository has no Spark checkpoints");
    await expect(undoCheckpoint(dir, "7")).rejects.toBeInstanceOf(UsageError);
    await expect(undoCheckpoint(dir, "abc")).rejects.toThrow('not a checkpoint id: "abc"');
  });
});

describe("parseCheckpointRefs", () => {
  it("skips foreign refs and falls back to the commit subject and date without metadata", () => {
    const out =
      "refs/spark/checkpoints/2\0" +
      "1700000000\0hand-made checkpoint\n\nno metadata here\n\0\n" +
      "refs/spark/checkpoints/junk\0" +
      "1700000000\0x\0\n";
    expect(parseCheckpointRefs(out)).toEqual([
      { id: "2", ref: "refs/spark/checkpoints/2", time: new Date(1_700_000_000_000), task: "hand-made checkpoint", files: [] },
    ]);
  });
});
