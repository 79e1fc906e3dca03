/**
 * Crash in the middle of `spark apply`: paused-apply.ts runs the real command in its own process
 * with the applier's `onFileReplaced` seam pausing after the first of two files; the process is
 * SIGKILLed there. Every file must be entirely old or entirely new, `git status` must not show the
 * temp files, `spark undo` (the binary) must bring the old state back, and the next apply must
 * remove the dead run's temps.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync, readdirSync, rmSync, watch, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { afterAll, beforeAll, expect, it } from "vitest";
import { bin, makeHome, makeRepo } from "./apply-harness.js";

let home = "";
let env: Record<string, string> = {};
beforeAll(() => ({ home, env } = makeHome("spark-e2e-crash-")));
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** Resolves when `file` exists (fs.watch on its folder; checked once first in case it is already there). */
function waitForFile(file: string, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const watcher = watch(path.dirname(file), () => {
      if (existsSync(file)) done();
    });
    const done = (): void => {
      watcher.close();
      resolve();
    };
    signal.addEventListener("abort", () => {
      watcher.close();
      reject(new Error("marker never appeared"));
    });
    if (existsSync(file)) done();
  });
}

const OLD_A = Array.from({ length: 200 }, (_, i) => `const a${i} = ${i};`).join("\n") + "\n";
const OLD_B = Array.from({ length: 200 }, (_, i) => `const b${i} = ${i};`).join("\n") + "\n";
const NEW_A = OLD_A.replace("const a100 = 100;", "const a100 = -1;");
const NEW_B = OLD_B.replace("const b100 = 100;", "const b100 = -1;");

it("a SIGKILL between the two files leaves each file whole, and spark undo restores both", async () => {
  const repo = makeRepo(home, env, { "a.ts": OLD_A, "b.ts": OLD_B });
  const marker = path.join(home, "paused");
  const pausedApply = path.join(path.dirname(fileURLToPath(import.meta.url)), "paused-apply.ts");
  // Run from Spark's own folder so `--import tsx` resolves; the command works in `repo`.
  const child = spawn("node", ["--import", "tsx", pausedApply, marker, repo], { cwd: process.cwd(), env, stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, sig) => resolve(sig)));
  child.stdin.end("a.ts\n<<<<<<< SEARCH\nconst a100 = 100;\n=======\nconst a100 = -1;\n>>>>>>> REPLACE\nb.ts\n<<<<<<< SEARCH\nconst b100 = 100;\n=======\nconst b100 = -1;\n>>>>>>> REPLACE\n");
  const timeout = AbortSignal.timeout(30_000);
  await Promise.race([waitForFile(marker, timeout), exited.then(() => Promise.reject(new Error(`spark exited before pausing: ${stderr}`)))]);
  child.kill("SIGKILL");
  expect(await exited).toBe("SIGKILL");

  const a = readFileSync(path.join(repo, "a.ts"), "utf8");
  const b = readFileSync(path.join(repo, "b.ts"), "utf8");
  expect([OLD_A, NEW_A]).toContain(a);
  expect([OLD_B, NEW_B]).toContain(b);
  // The pause comes after the first file and before the second.
  expect([a, b]).toEqual([NEW_A, OLD_B]);
  // The killed run's temp files are out of the working tree: git status shows only the applied file.
  const git = async (...args: string[]): Promise<string> => (await execa("git", args, { cwd: repo, env, extendEnv: false })).stdout;
  expect(await git("status", "--porcelain", "--untracked-files=all")).toBe(" M a.ts");
  const privateTemps = path.join(repo, ".git", "spark", "tmp");
  expect(readdirSync(privateTemps)).not.toEqual([]);

  const undo = await execa("node", [bin, "undo"], { cwd: repo, env, extendEnv: false, reject: false });
  expect(undo.exitCode).toBe(0);
  expect(readFileSync(path.join(repo, "a.ts"), "utf8")).toBe(OLD_A);
  expect(readFileSync(path.join(repo, "b.ts"), "utf8")).toBe(OLD_B);

  // The next apply removes temps of dead processes: the killed run's, and one an older Spark left
  // beside its target. A live process's temp stays.
  const legacy = path.join(repo, `.b.ts.spark-${child.pid ?? 0}-zz9.tmp`);
  const live = path.join(repo, `.b.ts.spark-${process.pid}-zz9.tmp`);
  writeFileSync(legacy, "half\n");
  writeFileSync(live, "half\n");
  const next = await execa("node", [bin, "apply"], { cwd: repo, env, extendEnv: false, reject: false, input: "b.ts\n<<<<<<< SEARCH\nconst b1 = 1;\n=======\nconst b1 = -1;\n>>>>>>> REPLACE\n" });
  expect(next.exitCode).toBe(0);
  expect(readdirSync(privateTemps)).toEqual([]);
  expect(existsSync(legacy)).toBe(false);
  expect(existsSync(live)).toBe(true);
});
