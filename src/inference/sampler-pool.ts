import type { Llama, LlamaModel } from "node-llama-cpp";

/**
 * node-llama-cpp 3.22.1 builds a new native sampler for every `controlledEvaluate` call (and every
 * `evaluate` generator). Its constructor allocates and zeroes a vocabulary-sized candidate array
 * (151,936 × 12 bytes for Qwen2.5), synchronously on the main thread, between two decodes: 2–3.7 ms
 * per call measured with `node --cpu-prof` on this 2-vCPU VM, about 5% of a 0.5B decode step.
 * The pool hands out released native samplers instead. Reuse is safe because node-llama-cpp calls
 * `applyConfig` with the whole configuration before every sample (every sampler stage is rebuilt
 * or dropped to match it), and a released sampler is reset (grammar and penalties dropped, a fresh
 * random generator) before it is handed out again.
 */

/** The native sampler as node-llama-cpp's binding exposes it (internal API of 3.22.1). */
interface NativeSampler {
  dispose(): void;
  applyConfig(config: Record<string, unknown>): void;
}
type NativeSamplerClass = new (model: object) => NativeSampler;
interface Bindings {
  AddonSampler?: NativeSamplerClass & { [INSTALLED]?: PoolState };
}

const INSTALLED = Symbol("spark.samplerPool");

interface PoolState {
  readonly idle: WeakMap<object, NativeSampler[]>;
  readonly maxIdle: number;
  /** Samplers handed out through the pool since it was installed (tests read it). */
  created: number;
  reused: number;
}

function bindingsOf(llama: Llama): Bindings | undefined {
  const bindings = (llama as unknown as { _bindings?: Bindings })._bindings;
  return bindings && typeof bindings.AddonSampler === "function" ? bindings : undefined;
}

function nativeModelOf(model: LlamaModel): object | undefined {
  return (model as unknown as { _model?: object })._model;
}

/**
 * Puts the pool in front of the binding's sampler class. Returns false (and changes nothing) when
 * the binding does not look like the one this was written for; node-llama-cpp then works as before.
 * @param maxIdle released samplers kept per model. Default 8 (one per concurrent sequence and then some).
 */
export function installSamplerPool(llama: Llama, maxIdle = 8): boolean {
  const bindings = bindingsOf(llama);
  if (!bindings?.AddonSampler) return false;
  const Original = bindings.AddonSampler;
  if (Original[INSTALLED]) return true;
  const state: PoolState = { idle: new WeakMap(), maxIdle, created: 0, reused: 0 };
  let seed = (Date.now() >>> 0) % 1_000_000_000;

  const release = (model: object, sampler: NativeSampler, dispose: () => void): void => {
    const idle = state.idle.get(model) ?? [];
    if (idle.includes(sampler)) return;
    if (idle.length >= state.maxIdle) {
      dispose();
      return;
    }
    // Two different seeds in a row always leave a newly created random generator, and a config
    // without grammar, penalties or biases drops those stages.
    seed += 2;
    sampler.applyConfig({ seed });
    sampler.applyConfig({ seed: seed + 1 });
    idle.push(sampler);
    state.idle.set(model, idle);
  };

  function PooledAddonSampler(model: object): NativeSampler {
    const reused = state.idle.get(model)?.pop();
    if (reused) {
      state.reused++;
      return reused;
    }
    state.created++;
    const sampler = new Original(model);
    const dispose = sampler.dispose.bind(sampler);
    Object.defineProperty(sampler, "dispose", { value: () => release(model, sampler, dispose), configurable: true });
    Object.defineProperty(sampler, "disposeForReal", { value: dispose });
    return sampler;
  }
  // Static members (grammar helpers) stay reachable through the prototype chain.
  Object.setPrototypeOf(PooledAddonSampler, Original);
  (PooledAddonSampler as unknown as { [INSTALLED]: PoolState })[INSTALLED] = state;
  bindings.AddonSampler = PooledAddonSampler as unknown as NativeSamplerClass;
  return true;
}

/** Frees the released samplers of a model (call before disposing it). */
export function drainSamplerPool(llama: Llama, model: LlamaModel): void {
  const state = bindingsOf(llama)?.AddonSampler?.[INSTALLED];
  const native = nativeModelOf(model);
  if (!state || !native) return;
  for (const sampler of state.idle.get(native) ?? []) (sampler as unknown as { disposeForReal(): void }).disposeForReal();
  state.idle.delete(native);
}

/** Pool counters, or undefined when no pool is installed. */
export function samplerPoolStats(llama: Llama): { created: number; reused: number } | undefined {
  const state = bindingsOf(llama)?.AddonSampler?.[INSTALLED];
  return state ? { created: state.created, reused: state.reused } : undefined;
}
