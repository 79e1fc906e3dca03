import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runShell } from "../../src/agent/shell.js";
import { InterruptedError } from "../../src/errors.js";

const cwd = mkdtempSync(path.join(os.tmpdir(), "spark-shell-"));

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("runShell", () => {
  it("streams stdout and stderr together, in the given folder, and returns the exit code", async () => {
    const heard: string[] = [];
    const r = await runShell("echo out; echo err >&2; pwd; exit 3", { cwd, onOutput: (t) => heard.push(t) });
    expect(r.exitCode).toBe(3);
    // Two pipes: their order is the kernel's.
    expect(r.output.split("\n").sort()).toEqual([cwd, "err", "out"]);
    expect(heard.join("").split("\n").sort()).toEqual(["", cwd, "err", "out"]);
  });

  it("cancelling stops the command and everything it started", async () => {
    const ac = new AbortController();
    let pid = 0;
    const run = runShell("sleep 30 & echo $!; wait", {
      cwd,
      signal: ac.signal,
      onOutput: (t) => {
        pid = Number(t.trim());
        ac.abort();
      },
    });
    await expect(run).rejects.toBeInstanceOf(InterruptedError);
    expect(pid).toBeGreaterThan(0);
    const until = Date.now() + 5000;
    while (alive(pid) && Date.now() < until) await new Promise((r) => setImmediate(r));
    expect(alive(pid)).toBe(false);
  });
});
