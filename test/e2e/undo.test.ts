/**
 * `spark undo` and `spark checkpoints` as a user runs them: `node bin/spark.js` (needs
 * `npm run build`) in real temp repositories.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCheckpoint, listCheckpoints } from "../../src/git/index.js";

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "bin", "spark.js");

let home: string;
const env = (): Record<string, string> => ({
  PATH: process.env.PATH ?? "/usr/bin:/bin",
  HOME: home,
  XDG_CACHE_HOME: path.join(home, "cache"),
  GIT_CONFIG_GLOBAL: path.join(home, "gitconfig"),
  GIT_CONFIG_NOSYSTEM: "1",
  NO_COLOR: "1",
});

beforeAll(() => {
  home = mkdtempSync(path.join(os.tmpdir(), "spark-e2e-undo-"));
  writeFileSync(path.join(home, "gitconfig"), "[user]\n\tname = Test\n\temail = test@example.com\n");
  // The library below shares this hermetic config with the CLI.
  Object.assign(process.env, { GIT_CONFIG_GLOBAL: path.join(home, "gitconfig"), GIT_CONFIG_NOSYSTEM: "1" });
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

async function spark(cwd: string, ...args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const r = await execa("node", [bin, ...args], { reject: false, env: env(), extendEnv: false, cwd });
  return { exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function gitRepo(): string {
  const dir = mkdtempSync(path.join(home, "repo-"));
  const git = (...args: string[]): string => execFileSync("git", args, { cwd: dir, env: env(), encoding: "utf8" });
  git("init", "-q", "-b", "main");
  writeFileSync(path.join(dir, "a.txt"), "original\n");
  git("add", "-A");
  git("commit", "-qm", "init");
  return dir;
}

const jsonLines = (s: string): Record<string, unknown>[] =>
  s
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe("spark undo / spark checkpoints", () => {
  it("outside a git repository: exit 4 and one line on stderr", async () => {
    const outside = mkdtempSync(path.join(home, "plain-"));
    const r = await spark(home, "undo", "--cwd", outside);
    expect(r.exitCode).toBe(4);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`spark: not a git repository: ${outside} (run git init, or pass --cwd)`);
    const json = await spark(outside, "checkpoints", "--json");
    expect(json.exitCode).toBe(4);
    expect(jsonLines(json.stdout)).toEqual([
      { type: "error", message: `not a git repository: ${outside} (run git init, or pass --cwd)`, code: "repo" },
    ]);
  });

  it("undo restores, undo again redoes, checkpoints lists and prunes", async () => {
    const dir = gitRepo();

    await createCheckpoint(dir, { task: "rewrite a.txt\nwith details", files: ["a.txt", "new.txt"] });
    writeFileSync(path.join(dir, "a.txt"), "edited\n");
    writeFileSync(path.join(dir, "new.txt"), "created\n");

    const undo = await spark(path.join(dir), "undo");
    expect(undo.stderr).toBe("");
    expect(undo.exitCode).toBe(0);
    expect(undo.stdout).toMatch(/^Restored checkpoint 1 \((just now|\d+s ago): rewrite a\.txt\); 2 files changed\.\n {2}(a|new)\.txt\n {2}(a|new)\.txt\nTo go back: spark undo 2$/);
    expect(readFileSync(path.join(dir, "a.txt"), "utf8")).toBe("original\n");
    expect(existsSync(path.join(dir, "new.txt"))).toBe(false);

    const redo = await spark(home, "undo", "--json", "--cwd", dir);
    expect(redo.exitCode).toBe(0);
    const [cp, done] = jsonLines(redo.stdout);
    expect(cp).toEqual({ type: "checkpoint", id: "3" });
    expect(done).toMatchObject({ type: "undo", restored: { id: "2", task: "undo to checkpoint 1" }, safety: { id: "3" }, displaced: [] });
    expect(readFileSync(path.join(dir, "a.txt"), "utf8")).toBe("edited\n");
    expect(readFileSync(path.join(dir, "new.txt"), "utf8")).toBe("created\n");

    const listed = await spark(dir, "checkpoints", "--json");
    expect(listed.exitCode).toBe(0);
    const rows = jsonLines(listed.stdout);
    expect(rows.map((r) => [r.type, r.id, r.task])).toEqual([
      ["checkpoint.info", "3", "undo to checkpoint 2"],
      ["checkpoint.info", "2", "undo to checkpoint 1"],
      ["checkpoint.info", "1", "rewrite a.txt\nwith details"],
    ]);
    expect(rows[2]).toMatchObject({ ref: "refs/spark/checkpoints/1", files: ["a.txt", "new.txt"] });
    const text = (await spark(dir, "checkpoints")).stdout.split("\n");
    expect(text[0]).toMatch(/^ID\s+AGE\s+TASK\s+FILES$/);
    expect(text[3]).toMatch(/^1\s+(just now|\d+s ago)\s+rewrite a\.txt\s+a\.txt, new\.txt$/);

    const pruned = await spark(dir, "checkpoints", "--prune", "1");
    expect(pruned.stdout).toBe("pruned 2 checkpoints (keeping the newest 1)");
    expect((await listCheckpoints(dir)).map((c) => c.id)).toEqual(["3"]);
  });

  it("undo after manual edits restores only the files the change touched, and stops (exit 4, naming them) where those were edited since, unless --force", async () => {
    const dir = gitRepo();
    writeFileSync(path.join(dir, "b.txt"), "b\n");
    execFileSync("git", ["add", "-A"], { cwd: dir, env: env() });
    execFileSync("git", ["commit", "-qm", "b"], { cwd: dir, env: env() });
    const applied = await execa("node", [bin, "apply"], { cwd: dir, env: env(), extendEnv: false, reject: false, input: "a.txt\n<<<<<<< SEARCH\noriginal\n=======\nby spark\n>>>>>>> REPLACE\n" });
    expect(applied.exitCode).toBe(0);
    // After the change: the person edits a file Spark never touched and creates a new one.
    writeFileSync(path.join(dir, "b.txt"), "b, edited by hand\n");
    writeFileSync(path.join(dir, "mine.txt"), "new, untracked\n");

    const undo = await spark(dir, "undo");
    expect(undo.exitCode).toBe(0);
    expect(undo.stdout.split("\n").slice(0, 2)).toEqual([expect.stringMatching(/^Restored checkpoint 1 \(.*\); 1 file changed\.$/), "  a.txt"]);
    expect(readFileSync(path.join(dir, "a.txt"), "utf8")).toBe("original\n");
    expect(readFileSync(path.join(dir, "b.txt"), "utf8")).toBe("b, edited by hand\n");
    expect(readFileSync(path.join(dir, "mine.txt"), "utf8")).toBe("new, untracked\n");

    // Redo, then edit the changed file by hand: undo refuses and changes nothing.
    expect((await spark(dir, "undo")).exitCode).toBe(0);
    expect(readFileSync(path.join(dir, "a.txt"), "utf8")).toBe("by spark\n");
    writeFileSync(path.join(dir, "a.txt"), "by spark, then by hand\n");
    const refused = await spark(dir, "undo", "1");
    expect(refused).toEqual({
      exitCode: 4,
      stdout: "",
      stderr: "spark: a.txt changed after checkpoint 1's change; nothing was restored (spark undo 1 --force restores them anyway)",
    });
    expect(readFileSync(path.join(dir, "a.txt"), "utf8")).toBe("by spark, then by hand\n");
    const forced = await spark(dir, "undo", "1", "--force");
    expect(forced.exitCode).toBe(0);
    expect(readFileSync(path.join(dir, "a.txt"), "utf8")).toBe("original\n");
    expect(readFileSync(path.join(dir, "b.txt"), "utf8")).toBe("b, edited by hand\n");
    expect(readFileSync(path.join(dir, "mine.txt"), "utf8")).toBe("new, untracked\n");
    // The hand edit is kept in the safety checkpoint.
    expect((await spark(dir, "undo")).exitCode).toBe(0);
    expect(readFileSync(path.join(dir, "a.txt"), "utf8")).toBe("by spark, then by hand\n");
  });
});
