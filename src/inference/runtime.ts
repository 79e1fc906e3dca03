/**
 * The inference door's heavy half: what loads node-llama-cpp at import. Only code that drives the
 * engine itself (`spark serve`, `spark bench`, `spark doctor`, the benchmarks) imports it; the rest
 * goes through `./index.js`.
 */
export { LocalEngine } from "./engine.js";
export { chatPromptTokens, openPromptTokens } from "./chat-format.js";
export { describeBinding, detectMachine, llamaRuntime } from "./llama-runtime.js";
export { cachedTuning, threadsCacheFile, type TuningEntry } from "./thread-tuning.js";
export { LocalBackend } from "./local-backend.js";
