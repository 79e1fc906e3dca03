/**
 * The inference door: what code outside `src/inference` uses of the engine. Importing it loads
 * neither node-llama-cpp nor the `openai` client (about a second of CPU, which `spark undo` and a
 * run against `--endpoint` should not pay): the backends open through async functions that load
 * them on demand, and code that drives the engine itself imports `./runtime.js`.
 */
import type { Backend } from "./backend.js";
import type { HttpBackendOptions } from "./http-backend.js";

export type { Backend, BackendInfo, ChatMessage, GenerateChunk, GenerateRequest, GenerationStats, WarmRequest, WarmResult } from "./backend.js";
export { emptyStats } from "./backend.js";
export type { DecodeEvent } from "./decode-loop.js";
export type { LocalEngine, EngineOptions, EngineRequest } from "./engine.js";
export type { HttpBackendOptions } from "./http-backend.js";
export { exactTextGrammar, ForcedReplies } from "./forced-reply.js";
export { knownModelFacts } from "./known-models.js";
export { cpuMachine, gib, type MachineFacts } from "./machine.js";
export { readModelFacts, type ModelFacts } from "./model-facts.js";
export { PromptLookupDrafter, type PromptLookupOptions } from "./prompt-lookup.js";
export { AcceptanceModel, bestDraftLength, lineBreaksOf, Speculator, type LineBreakTest, type SpeculatorOptions } from "./speculation.js";
export { BATCH_SIZES, batchCurve, FixedStepCost, OnlineStepCost, stepMs, type StepCost, type StepCostModel } from "./step-cost.js";
export { planWafer, describePlan, describeKvTypes, kvCacheBytes, MAX_CONTEXT, type WaferPlan } from "./wafer-plan.js";

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
  const [{ LocalEngine }, { LocalBackend }] = await Promise.all([import("./engine.js"), import("./local-backend.js")]);
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

/** Talks to an OpenAI-compatible server (`--endpoint`, or a running `spark serve`) as a Backend. */
export async function openHttpBackend(options: HttpBackendOptions): Promise<Backend> {
  const http = await import("./http-backend.js");
  return http.openHttpBackend(options);
}
