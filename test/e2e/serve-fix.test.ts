/**
 * `spark fix` editing a file through a running `spark serve` (`--endpoint` and SPARK_ENDPOINT).
 * The server's engine honours SPARK_FORCED_REPLY, so the reply is known while the whole path is
 * real: HTTP client, server, tokenizer, decoding, parsing, checkpoint, apply.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureFixtureModel } from "../../fixtures/index.js";
import { sparkBin, spawnServe, type ServeProcess } from "../server/spawn-serve.js";

let server: ServeProcess;
let repo: string;
let home: string;

const whole = (file: string, content: string): string => `Updating ${file}.\n\n${file}\n\`\`\`\n${content}\`\`\`\n`;

beforeAll(async () => {
  home = mkdtempSync(path.join(os.tmpdir(), "spark-serve-fix-"));
  repo = path.join(home, "repo");
  mkdirSync(path.join(repo, "src"), { recursive: true });
  writeFileSync(path.join(repo, "src", "a.ts"), "export const x = 1;\n");
  writeFileSync(path.join(repo, "src", "b.ts"), "export const y = 'old';\n");
  const git = (...args: string[]): void => void execFileSync("git", args, { cwd: repo, stdio: "ignore" });
  git("init", "-q");
  git("add", ".");
  git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "init");
  const replies = [1, 2, 3].map((n) => path.join(home, `reply${n}.txt`));
  writeFileSync(replies[0] ?? "", whole("src/a.ts", "export const x = 2;\n"));
  writeFileSync(replies[1] ?? "", whole("src/b.ts", "export const y = 'new';\n"));
  writeFileSync(replies[2] ?? "", whole("src/a.ts", "export const x = 3;\n"));
  server = await spawnServe(["--model", ensureFixtureModel("successor"), "--context", "8192", "--threads", "1"], { SPARK_FORCED_REPLY: replies.join(path.delimiter) });
});
afterAll(async () => {
  expect(await server?.stop()).toBe(0);
  rmSync(home, { recursive: true, force: true });
});

function fix(args: string[], env: Record<string, string> = {}) {
  return execa(process.execPath, [sparkBin, "fix", ...args], {
    cwd: repo,
    reject: false,
    extendEnv: false,
    env: { PATH: process.env.PATH ?? "", HOME: home, XDG_CACHE_HOME: path.join(home, "client-cache"), NO_COLOR: "1", SPARK_MODEL: "", ...env },
  });
}

describe("spark fix through spark serve", () => {
  it("--endpoint URL: edits the file, prints the diff and a checkpoint", async () => {
    const r = await fix(["--endpoint", server.url, "src/a.ts", "make x two"]);
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
    expect(readFileSync(path.join(repo, "src", "a.ts"), "utf8")).toBe("export const x = 2;\n");
    expect(r.stdout).toContain("-export const x = 1;\n+export const x = 2;");
    expect(r.stdout).toMatch(/1 file changed \(\+1 -1\) · checkpoint \S+/);
    expect(await server.waitForLine(/^POST \/v1\/chat\/completions 200/)).toMatch(/out \d+/);
  });

  it("SPARK_ENDPOINT does the same, JSONL reports the http backend", async () => {
    const r = await fix(["--json", "src/b.ts", "make y new"], { SPARK_ENDPOINT: `http://127.0.0.1:${server.port}` });
    expect(r.exitCode).toBe(0);
    const events = r.stdout.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events[0]).toMatchObject({ type: "session.start", backend: "http", contextSize: 8192 });
    expect(events.find((e) => e.type === "edit.applied")).toMatchObject({ path: "src/b.ts", added: 1, removed: 1 });
    expect(events.at(-1)).toMatchObject({ type: "session.end", status: "ok", exitCode: 0 });
    expect(readFileSync(path.join(repo, "src", "b.ts"), "utf8")).toBe("export const y = 'new';\n");
  });

  it("without --endpoint, finds the running server for the same model in the cache folder and uses it", async () => {
    const r = await fix(["--model", ensureFixtureModel("successor"), "--context", "8192", "src/a.ts", "make x three"], { XDG_CACHE_HOME: server.cacheHome });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe(`spark: using spark serve at ${server.url} (pid ${server.child.pid})`);
    // Only the server's engine has the forced reply that sets 3.
    expect(readFileSync(path.join(repo, "src", "a.ts"), "utf8")).toBe("export const x = 3;\n");
  });

  it("an endpoint that is not listening is a model error (exit 3, one line)", async () => {
    const r = await fix(["--endpoint", "http://127.0.0.1:9/v1", "src/a.ts", "anything"]);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/^spark: endpoint unreachable: http:\/\/127\.0\.0\.1:9\/v1 \(.+\)$/);
  });
});
