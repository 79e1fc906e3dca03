import type { Backend } from "./backend.js";
import { LocalEngine } from "./engine.js";
import { LocalBackend } from "./local-backend.js";

export type { Backend, BackendInfo, ChatMessage, GenerateChunk, GenerateRequest, GenerationStats } from "./backend.js";
export { emptyStats } from "./backend.js";
export { LocalEngine, type EngineOptions, type EngineRequest } from "./engine.js";
export { LocalBackend } from "./local-backend.js";
export { planWafer, describePlan, MAX_CONTEXT, type WaferPlan } from "./wafer-plan.js";
export { readModelFacts, type ModelFacts } from "./model-facts.js";

/** Options of the in-process backend. */
export interface LocalBackendOptions {
  /** A resolved GGUF path. */
  modelPath: string;
  /** Shown in `session.start`. Default: modelPath. */
  modelName?: string;
  /** Default: 131072 or the model's maximum. */
  contextSize?: number;
  /** Default: tuned by measurement. */
  threads?: number;
  /** Reads SPARK_FORCED_REPLY (test seam) and cache locations. Default process.env. */
  env?: NodeJS.ProcessEnv;
  onProgress?: (p: { phase: "load" | "prefill"; done: number; total: number }) => void;
}

/** Loads the model in this process (wafer plan) and returns it as a Backend. */
export async function openLocalBackend(options: LocalBackendOptions): Promise<Backend> {
  const env = options.env ?? process.env;
  const engine = await LocalEngine.open({
    modelPath: options.modelPath,
    contextSize: options.contextSize,
    threads: options.threads,
    env,
    onLoadProgress: options.onProgress ? (f) => options.onProgress?.({ phase: "load", done: f, total: 1 }) : undefined,
  });
  const onPrefill = options.onProgress ? (done: number, total: number) => options.onProgress?.({ phase: "prefill", done, total }) : undefined;
  return new LocalBackend(engine, options.modelName ?? options.modelPath, env, 0, onPrefill);
}
