import { readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ensureFixtureModel } from "../../fixtures/index.js";
import { LocalEngine } from "../../src/inference/engine.js";
import { collect, tempCacheEnv } from "./helpers.js";

describe("persisted prefix states", () => {
  it("a new engine restores a long prefix from disk instead of prefilling it", async () => {
    const env = tempCacheEnv();
    const modelPath = ensureFixtureModel("successor");
    const repo = "export const value = 42; // a line of repository context\n".repeat(40);
    const first = await LocalEngine.open({ modelPath, contextSize: 4096, threads: 1, env });
    const a = await collect(first, { prompt: first.tokenize(`${repo}task one: a`), maxTokens: 4 });
    expect(a.stats.cachedTokens).toBe(0);
    await first.dispose();
    const saved = readdirSync(path.join(env.XDG_CACHE_HOME ?? "", "spark", "prefix"), { recursive: true }).map(String);
    expect(saved.some((f) => f.endsWith(".state"))).toBe(true);

    const second = await LocalEngine.open({ modelPath, contextSize: 4096, threads: 1, env });
    try {
      const b = await collect(second, { prompt: second.tokenize(`${repo}task two: a`), maxTokens: 4 });
      expect(b.text).toBe("bcde");
      expect(b.stats.cachedTokens).toBeGreaterThanOrEqual(repo.length);
    } finally {
      await second.dispose();
    }
  });
});

describe("bad model files", () => {
  it("a missing file is a one-line ModelError (exit 3)", async () => {
    await expect(LocalEngine.open({ modelPath: "/nonexistent/model.gguf", env: tempCacheEnv() })).rejects.toMatchObject({
      exitCode: 3,
      message: expect.stringContaining("not found"),
    });
  });

  it("a non-GGUF file is a one-line ModelError (exit 3)", async () => {
    const env = tempCacheEnv();
    const file = path.join(env.XDG_CACHE_HOME ?? "", "junk.gguf");
    writeFileSync(file, "this is not a model\n".repeat(10));
    await expect(LocalEngine.open({ modelPath: file, env })).rejects.toMatchObject({ exitCode: 3 });
  });
});
