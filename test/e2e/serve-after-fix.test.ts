/**
 * `spark serve` after an in-process `spark fix` in one cache folder: the fix saves its repo
 * prefix to disk from a one-sequence engine; the server (four sequences, another KV layout) must
 * answer a request sharing that prefix instead of failing to load the state.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { ensureFixtureModel } from "../../fixtures/index.js";
import { sparkBin, spawnServe, type ServeProcess } from "../server/spawn-serve.js";

const home = mkdtempSync(path.join(os.tmpdir(), "spark-serve-after-fix-"));
const cache = path.join(home, "cache");
let server: ServeProcess | undefined;
afterAll(async () => {
  if (server) expect(await server.stop()).toBe(0);
  rmSync(home, { recursive: true, force: true });
});

const whole = (file: string, content: string): string => `Updating ${file}.\n\n${file}\n\`\`\`\n${content}\`\`\`\n`;

describe("spark serve after spark fix in one cache", () => {
  it("the server answers with the fix's saved prefix in its cache", async () => {
    const repo = path.join(home, "repo");
    mkdirSync(path.join(repo, "src"), { recursive: true });
    writeFileSync(path.join(repo, "src", "a.ts"), "export const x = 1;\n");
    // Enough repository context for a prefill long enough to be saved (≥ 1,024 new tokens).
    writeFileSync(path.join(repo, "src", "util.ts"), Array.from({ length: 60 }, (_, i) => `export const value${i} = ${i}; // helper number ${i}\n`).join(""));
    const git = (...args: string[]): void => void execFileSync("git", args, { cwd: repo, stdio: "ignore" });
    git("init", "-q");
    git("add", ".");
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "init");
    writeFileSync(path.join(home, "reply1.txt"), whole("src/a.ts", "export const x = 2;\n"));
    writeFileSync(path.join(home, "reply2.txt"), whole("src/a.ts", "export const x = 3;\n"));
    const model = ensureFixtureModel("successor");
    const env = { PATH: process.env.PATH ?? "", HOME: home, XDG_CACHE_HOME: cache, NO_COLOR: "1", SPARK_MODEL: "" };
    const fix = (args: string[], extra: Record<string, string>) => execa(process.execPath, [sparkBin, "fix", ...args], { cwd: repo, reject: false, extendEnv: false, env: { ...env, ...extra } });

    const first = await fix(["--model", model, "--context", "8192", "--threads", "1", "src/a.ts", "make x two"], { SPARK_FORCED_REPLY: path.join(home, "reply1.txt") });
    expect(first.exitCode).toBe(0);
    const saved = readdirSync(path.join(cache, "spark", "prefix"), { recursive: true }).map(String);
    expect(saved.some((f) => f.endsWith(".state"))).toBe(true);

    server = await spawnServe(["--model", model, "--context", "8192", "--threads", "1"], { XDG_CACHE_HOME: cache, SPARK_FORCED_REPLY: path.join(home, "reply2.txt") });
    const second = await fix(["--endpoint", server.url, "src/a.ts", "make x three"], {});
    expect(second.stderr).toBe("");
    expect(second.exitCode).toBe(0);
    expect(readFileSync(path.join(repo, "src", "a.ts"), "utf8")).toBe("export const x = 3;\n");
    expect(await server.waitForLine(/^POST \/v1\/chat\/completions 200/)).toBeTruthy();
  });
});
