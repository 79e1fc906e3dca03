import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { RepoError } from "../../src/errors.js";
import { createCheckpoint, listCheckpoints, withRepoLock } from "../../src/git/index.js";
import { git, makeRepo, write } from "./helpers.js";

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});
function repo(): { dir: string; lock: string } {
  const r = makeRepo();
  cleanups.push(r.cleanup);
  mkdirSync(path.join(r.dir, ".git", "spark"), { recursive: true });
  return { dir: r.dir, lock: path.join(r.dir, ".git", "spark", "lock") };
}

function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", ""]);
  return child.pid ?? 999_999;
}

describe("repo lock", () => {
  it("refuses with one clear line while another live process holds it", async () => {
    const { dir, lock } = repo();
    writeFileSync(lock, `${process.ppid} ${os.hostname()}\n`);
    const err = await withRepoLock(dir, async () => "ran", { waitMs: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RepoError);
    expect((err as RepoError).exitCode).toBe(4);
    expect((err as RepoError).message).toBe(
      `another Spark process (pid ${process.ppid}) is using this repository; if none is running, delete ${lock}`,
    );
    expect(readFileSync(lock, "utf8")).toBe(`${process.ppid} ${os.hostname()}\n`);
  });

  it("takes over a lock whose process is dead, and releases it afterwards", async () => {
    const { dir, lock } = repo();
    writeFileSync(lock, `${deadPid()} ${os.hostname()}\n`);
    write(dir, "f.txt", "x");
    const cp = await createCheckpoint(dir, { task: "t", files: [] });
    expect(cp.id).toBe("1");
    expect(existsSync(lock)).toBe(false);
  });

  it("takes over an empty lock left by a process killed before writing its pid", async () => {
    const { dir, lock } = repo();
    writeFileSync(lock, "");
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    await expect(withRepoLock(dir, async () => "ran", { waitMs: 0 })).resolves.toBe("ran");
  });

  it("excludes a second operation of the same process, and is re-entrant within one", async () => {
    const { dir, lock } = repo();
    write(dir, "f.txt", "x");
    let entered!: () => void;
    let release!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const released = new Promise<void>((r) => (release = r));
    const holder = withRepoLock(dir, async () => {
      entered();
      await released;
      // Re-entrant: the holder can take a checkpoint without deadlocking on its own lock.
      return createCheckpoint(dir, { task: "nested", files: [] });
    });
    await inside;
    expect(readFileSync(lock, "utf8")).toBe(`${process.pid} ${os.hostname()}\n`);
    const other = await withRepoLock(dir, async () => "ran", { waitMs: 0 }).catch((e: unknown) => e);
    expect(String(other)).toContain("another operation in this Spark process is using this repository");
    release();
    expect((await holder).id).toBe("1");
    expect(existsSync(lock)).toBe(false);
  });

  it("serializes concurrent checkpoints so ids never collide", async () => {
    const { dir } = repo();
    write(dir, "f.txt", "x");
    const made = await Promise.all([1, 2, 3].map((n) => createCheckpoint(dir, { task: `t${n}`, files: [] })));
    expect(made.map((c) => c.id).sort()).toEqual(["1", "2", "3"]);
    expect((await listCheckpoints(dir)).map((c) => c.id)).toEqual(["3", "2", "1"]);
  });

  it("two processes checkpointing the same repo at once never collide", async () => {
    const { dir } = repo();
    const worker = path.join(path.dirname(fileURLToPath(import.meta.url)), "checkpoint-worker.ts");
    const runs = await Promise.all(
      ["a", "b"].map((tag) => execa("node", ["--import", "tsx", worker, dir, "4", tag], { cwd: process.cwd() })),
    );
    const ids = runs.flatMap((r) => r.stdout.split("\n")).map(Number);
    expect(ids.sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const listed = await listCheckpoints(dir);
    expect(listed.map((c) => c.id)).toEqual(["8", "7", "6", "5", "4", "3", "2", "1"]);
    for (const c of listed) expect(git(dir, "cat-file", "-t", `${c.ref}^{tree}`)).toBe("tree\n");
    // Each checkpoint holds the file its own process wrote just before it.
    for (const c of listed) expect(git(dir, "show", `${c.ref}:${c.files[0]}`)).toBe(`${c.task}\n`);
  });
});
