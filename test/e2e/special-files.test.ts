/**
 * Edit targets that are not regular files, as a user meets them: `spark apply` (with and without
 * --dry-run) and `spark fix` on a FIFO in the repo. Each command runs under a timeout, so a
 * regression (a read that waits for a FIFO writer forever) fails here instead of hanging the suite.
 */
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { modelFlags } from "./cli-harness.js";
import { bin, makeHome, makeRepo } from "./apply-harness.js";

let home = "";
let env: Record<string, string> = {};
beforeAll(() => ({ home, env } = makeHome("spark-e2e-special-")));
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** Longest a refusal may take; a hang is killed then and reads as exit -1. */
const LIMIT_MS = 20_000;

async function spark(cwd: string, input: string | undefined, ...args: string[]): Promise<{ exitCode: number; stderr: string }> {
  const r = await execa("node", [bin, ...args], { reject: false, env, extendEnv: false, cwd, timeout: LIMIT_MS, ...(input !== undefined ? { input } : { stdin: "ignore" as const }) });
  return { exitCode: r.timedOut ? -1 : (r.exitCode ?? -1), stderr: r.stderr };
}

describe.skipIf(process.platform === "win32")("edit targets that are not regular files", () => {
  it("a FIFO is refused before it is opened: spark apply, --dry-run and spark fix exit 4 with one line", async () => {
    const repo = makeRepo(home, env, { "a.txt": "a\n" });
    execFileSync("mkfifo", [path.join(repo, "pipe.txt")]);
    const edit = "pipe.txt\n<<<<<<< SEARCH\nx\n=======\ny\n>>>>>>> REPLACE\n";
    const refusal = 'spark: refusing to edit "pipe.txt": it is not a regular file (a FIFO, socket or device)';
    expect(await spark(repo, edit, "apply")).toEqual({ exitCode: 4, stderr: refusal });
    expect(await spark(repo, edit, "apply", "--dry-run")).toEqual({ exitCode: 4, stderr: refusal });
    expect(await spark(repo, undefined, "fix", "pipe.txt", "change it", ...modelFlags())).toEqual({ exitCode: 4, stderr: refusal });
    // A symlink to the FIFO is what it leads to.
    execFileSync("ln", ["-s", "pipe.txt", path.join(repo, "link.txt")]);
    expect(await spark(repo, edit.replace("pipe.txt", "link.txt"), "apply", "--dry-run")).toEqual({ exitCode: 4, stderr: refusal.replace("pipe.txt", "link.txt") });
  }, 4 * LIMIT_MS);
});
