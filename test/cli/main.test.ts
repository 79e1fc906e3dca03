import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import type { CliContext } from "../../src/cli/context.js";

function capture(): { ctx: CliContext; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (d: Buffer) => (out += d.toString()));
  stderr.on("data", (d: Buffer) => (err += d.toString()));
  const ctx: CliContext = {
    stdout,
    stderr,
    stdin: new PassThrough(),
    env: {},
    cwd: process.cwd(),
    signal: new AbortController().signal,
    exitCode: 0,
  };
  return { ctx, out: () => out, err: () => err };
}

describe("cli main", () => {
  it("prints the version", async () => {
    const c = capture();
    expect(await main(["--version"], c.ctx)).toBe(0);
    expect(c.out()).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it("prints help listing the contract's commands", async () => {
    const c = capture();
    expect(await main(["--help"], c.ctx)).toBe(0);
    for (const cmd of ["fix", "run", "apply", "undo", "checkpoints", "serve", "bench", "doctor", "model"]) {
      expect(c.out()).toContain(cmd);
    }
  });

  it("exits 2 on an unknown option", async () => {
    const c = capture();
    expect(await main(["--no-such-flag"], c.ctx)).toBe(2);
    expect(c.err()).toContain("unknown option");
  });
});
