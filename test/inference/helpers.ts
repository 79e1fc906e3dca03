import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Token } from "node-llama-cpp";
import { ensureFixtureModel } from "../../fixtures/index.js";
import { LocalEngine, type EngineOptions, type EngineRequest } from "../../src/inference/engine.js";
import type { GenerationStats } from "../../src/inference/backend.js";

/** A temp cache folder so tests never touch ~/.cache. */
export function tempCacheEnv(): NodeJS.ProcessEnv {
  return { ...process.env, XDG_CACHE_HOME: mkdtempSync(path.join(os.tmpdir(), "spark-cache-")) };
}

/** The successor model, small context, one thread (no tuning run). */
export function openSuccessor(options: Partial<EngineOptions> = {}): Promise<LocalEngine> {
  return LocalEngine.open({ modelPath: ensureFixtureModel("successor"), contextSize: 2048, threads: 1, env: tempCacheEnv(), ...options });
}

/** Runs a request to the end; returns text and stats. */
export async function collect(engine: LocalEngine, request: EngineRequest): Promise<{ text: string; stats: GenerationStats }> {
  let text = "";
  let stats: GenerationStats | undefined;
  for await (const ev of engine.generate(request)) {
    if (ev.type === "text") text += ev.text;
    else stats = ev.stats;
  }
  if (!stats) throw new Error("no stats");
  return { text, stats };
}

/** Token ids as the byte vocab's tokens (id = byte value, < 256). */
export function ids(list: number[]): Token[] {
  return list as Token[];
}
