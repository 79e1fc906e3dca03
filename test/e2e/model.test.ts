/**
 * `spark model pull|list|info` as a user runs it: `node bin/spark.js` (needs `npm run build`)
 * against a loopback server that answers like the Hugging Face Hub (HF_ENDPOINT).
 */
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeHub, type FakeHub } from "../models/fake-hub.js";
import { sampleGguf } from "../models/gguf-samples.js";

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "bin", "spark.js");
const REPO = "test/Tiny-Coder-GGUF";
const model = sampleGguf({ seed: 3 });

let hub: FakeHub;
let home: string;

beforeAll(async () => {
  hub = await startFakeHub({
    repos: { [REPO]: { "tiny-coder-q8_0.gguf": model, "broken-q8_0.gguf": model.subarray(0, 150_000) } },
    plan: ({ file }) => (file === "gone.gguf" ? { status: 404 } : {}),
  });
  home = await mkdtemp(path.join(os.tmpdir(), "spark-e2e-model-"));
});
afterAll(async () => {
  await hub.close();
  await rm(home, { recursive: true, force: true });
});

async function spark(...args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const r = await execa("node", [bin, ...args], {
    reject: false,
    env: { XDG_CACHE_HOME: path.join(home, "cache"), HF_ENDPOINT: hub.url, SPARK_MODEL: "", NO_COLOR: "1" },
    extendEnv: false,
    cwd: home,
  });
  return { exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const modelsDir = (): string => path.join(home, "cache", "spark", "models");
const jsonLines = (s: string): Record<string, unknown>[] => s.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as Record<string, unknown>);

describe("spark model", () => {
  it("pull --json streams progress then says where the model is; list and info see it", async () => {
    const pulled = await spark("model", "pull", `hf:${REPO}:Q8_0`, "--json");
    expect(pulled.stderr).toBe("");
    expect(pulled.exitCode).toBe(0);
    const events = jsonLines(pulled.stdout);
    const progress = events.filter((e) => e.type === "download.progress");
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress.at(-1)).toEqual({ type: "download.progress", downloadedBytes: model.length, totalBytes: model.length });
    const ready = events.at(-1);
    expect(ready).toMatchObject({ type: "model.ready", uri: `hf:${REPO}:Q8_0`, source: "hf", sizeBytes: model.length, downloaded: true });

    const again = await spark("model", "pull", `hf:${REPO}:Q8_0`);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toBe(String(ready?.path));
    expect(again.stderr).toBe(`spark: hf:${REPO}:Q8_0 is already downloaded (llama, 205.4 kB)`);

    const list = await spark("model", "list", "--json");
    expect(jsonLines(list.stdout)).toEqual([{ type: "model.list", dir: modelsDir(), models: [{ name: `hf:${REPO}:Q8_0`, path: ready?.path, sizeBytes: model.length }] }]);
    const table = await spark("model", "list");
    expect(table.stdout.split("\n")[0]).toMatch(/^NAME\s+SIZE\s+PATH$/);
    expect(table.stdout).toContain(`hf:${REPO}:Q8_0  205.4 kB  ${String(ready?.path)}`);

    const info = await spark("model", "info", `hf:${REPO}:Q8_0`);
    expect(info.exitCode).toBe(0);
    expect(info.stdout).toMatch(/^architecture\s+llama$/m);
    expect(info.stdout).toMatch(/^context length\s+4096$/m);
    expect(info.stdout).toMatch(/^heads\s+8 \(KV 2\)$/m);
    expect(info.stdout).toMatch(/^head size\s+32$/m);
    const infoJson = jsonLines((await spark("model", "info", String(ready?.path), "--json")).stdout);
    expect(infoJson).toEqual([expect.objectContaining({ type: "model.info", architecture: "llama", layers: 3, heads: 8, kvHeads: 2, headSize: 32, contextLength: 4096 })]);
  });

  it("on a pipe without --json prints the path on stdout and one final line on stderr", async () => {
    const r = await spark("model", "pull", `hf:${REPO}/tiny-coder-q8_0.gguf`);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/hf_test_Tiny-Coder-GGUF_tiny-coder-q8_0\.gguf$/);
    expect(r.stderr.split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^spark: downloaded hf:test\/Tiny-Coder-GGUF\/tiny-coder-q8_0\.gguf \(205\.4 kB in .*\) to \//);
  });

  it("exits 3 with one line for a missing file, a truncated file, a 404, a missing quant and a truncated download, leaving no model behind", async () => {
    const missing = await spark("model", "info", "/nonexistent/model.gguf");
    expect(missing).toMatchObject({ exitCode: 3, stdout: "", stderr: "spark: model file not found: /nonexistent/model.gguf" });

    const cut = path.join(home, "cut.gguf");
    await writeFile(cut, model.subarray(0, 4000));
    const truncated = await spark("model", "pull", cut);
    expect(truncated.exitCode).toBe(3);
    expect(truncated.stderr).toMatch(/^spark: truncated GGUF file: .*cut\.gguf \(4000 bytes, its tensors need \d+\)$/);

    const before = await readdir(modelsDir());
    const notFound = await spark("model", "pull", `hf:${REPO}/gone.gguf`, "--json");
    expect(notFound.exitCode).toBe(3);
    expect(notFound.stderr.split("\n")).toHaveLength(1);
    expect(notFound.stderr).toMatch(/^spark: download of .*gone\.gguf failed: HTTP 404/);
    expect(jsonLines(notFound.stdout).at(-1)).toMatchObject({ type: "error", code: "model" });

    const noQuant = await spark("model", "pull", `hf:${REPO}:Q5_K_M`);
    expect(noQuant).toMatchObject({ exitCode: 3, stderr: `spark: model hf:${REPO} has no Q5_K_M file (available: Q8_0); pick one with hf:${REPO}:QUANT` });
    const brokenFile = await spark("model", "pull", `hf:${REPO}/broken-q8_0.gguf`);
    expect(brokenFile.exitCode).toBe(3);
    expect(brokenFile.stderr).toMatch(/^spark: downloaded hf:test\/Tiny-Coder-GGUF\/broken-q8_0\.gguf: truncated GGUF file/);
    expect(await readdir(modelsDir())).toEqual(before);
  });

  it("a corrupt GGUF whose names are binary gets one short printable line, exit 3", async () => {
    // A metadata key of 3000 random-looking bytes (controls, non-UTF-8), then an unknown value type.
    const key = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 37 + 11) % 256));
    const head = Buffer.alloc(24);
    head.write("GGUF", 0, "latin1");
    head.writeUInt32LE(3, 4);
    head.writeBigUInt64LE(0n, 8);
    head.writeBigUInt64LE(1n, 16);
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(key.length));
    const type = Buffer.alloc(4);
    type.writeUInt32LE(77);
    const badKey = path.join(home, "bad-key.gguf");
    await writeFile(badKey, Buffer.concat([head, len, key, type, Buffer.alloc(64)]));
    const badArch = path.join(home, "bad-arch.gguf");
    await writeFile(badArch, sampleGguf({ architecture: `\u0000\u001b[31m${"\ufffd".repeat(1000)}` }));

    // eslint-disable-next-line no-control-regex -- the point is to find control characters
    const printable = /^[^\u0000-\u001f\u007f-\u009f\ufffd]*$/;
    const key1 = await spark("model", "info", badKey);
    expect(key1).toEqual({ exitCode: 3, stdout: "", stderr: `spark: corrupt GGUF file: ${badKey} (value of <3000 bytes, not text> has unknown value type 77)` });
    const arch = await spark("model", "info", badArch);
    expect(arch.exitCode).toBe(3);
    expect(arch.stderr).toMatch(printable);
    expect(arch.stderr.length).toBeLessThan(250);
    expect(arch.stderr).toMatch(/^spark: unsupported model architecture <\d+ bytes, not text> in /);
  });

  it("exits 2 on an unknown action", async () => {
    const r = await spark("model", "frobnicate");
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe('spark: unknown model action "frobnicate" (expected pull, list, info)');
  });
});
