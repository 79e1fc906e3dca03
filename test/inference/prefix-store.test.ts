import { cpSync, existsSync, readdirSync, writeFileSync } from "node:fs";
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

describe("a saved prefix of another engine layout", () => {
  const repo = "export const value = 42; // a line of repository context\n".repeat(40);

  /** A one-sequence engine (as `spark fix` opens) prefills the repo and saves its state. */
  async function savedByFix(env: NodeJS.ProcessEnv, modelPath: string): Promise<string> {
    const fix = await LocalEngine.open({ modelPath, contextSize: 4096, threads: 1, env });
    await collect(fix, { prompt: fix.tokenize(`${repo}task one: a`), maxTokens: 4 });
    await fix.dispose();
    const root = path.join(env.XDG_CACHE_HOME ?? "", "spark", "prefix");
    const state = readdirSync(root, { recursive: true }).map(String).find((f) => f.endsWith(".state"));
    if (state === undefined) throw new Error("no state saved");
    return path.join(root, state);
  }

  it("a four-sequence engine (as `spark serve` opens) in the same cache answers correctly", async () => {
    const env = tempCacheEnv();
    const modelPath = ensureFixtureModel("successor");
    await savedByFix(env, modelPath);
    const serve = await LocalEngine.open({ modelPath, contextSize: 4096, threads: 1, sequences: 4, env });
    try {
      const b = await collect(serve, { prompt: serve.tokenize(`${repo}task two: a`), maxTokens: 4, sequence: 2 });
      expect(b.text).toBe("bcde");
    } finally {
      await serve.dispose();
    }
  });

  it("a state that cannot be restored is skipped and replaced, never a failed request", async () => {
    const env = tempCacheEnv();
    const modelPath = ensureFixtureModel("successor");
    const state = await savedByFix(env, modelPath);
    // As an older Spark kept them: the one-sequence state where the four-sequence engine looks.
    const layoutDir = path.dirname(state);
    const serveDir = path.join(path.dirname(layoutDir), path.basename(layoutDir).replace(/^s1-/, "s4-"));
    cpSync(layoutDir, serveDir, { recursive: true });
    const planted = path.join(serveDir, path.basename(state));
    const serve = await LocalEngine.open({ modelPath, contextSize: 4096, threads: 1, sequences: 4, env });
    try {
      const b = await collect(serve, { prompt: serve.tokenize(`${repo}task two: a`), maxTokens: 4 });
      expect(b.text).toBe("bcde");
      expect(b.stats.cachedTokens).toBe(0);
      expect(existsSync(planted)).toBe(false);
      expect(readdirSync(serveDir).filter((f) => f.endsWith(".state"))).toHaveLength(1);
      // The replacement restores: a fresh engine of this layout finds it.
      const again = await LocalEngine.open({ modelPath, contextSize: 4096, threads: 1, sequences: 4, env });
      try {
        const c = await collect(again, { prompt: again.tokenize(`${repo}task three: a`), maxTokens: 4 });
        expect(c.text).toBe("bcde");
        expect(c.stats.cachedTokens).toBeGreaterThanOrEqual(repo.length);
      } finally {
        await again.dispose();
      }
    } finally {
      await serve.dispose();
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
