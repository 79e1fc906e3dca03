import { ModelError, UsageError } from "../errors.js";
import { gib, type MachineFacts } from "./machine.js";
import type { ModelFacts } from "./model-facts.js";

/** Spark's ceiling: 128k tokens of context. */
export const MAX_CONTEXT = 131_072;
/**
 * Most a context may exceed the model's trained one, by YaRN rope scaling: Qwen2.5-Coder's model
 * cards give factor 4 (32k trained → 128k). Beyond it quality falls off, so a larger `--context`
 * is refused rather than quietly capped.
 */
export const MAX_ROPE_SCALING = 4;

/** YaRN rope scaling for a context longer than the trained one. */
export interface RopeScaling {
  type: "yarn";
  /** Context ÷ trained context (1 < factor ≤ `MAX_ROPE_SCALING`). */
  factor: number;
  /** The trained context. */
  originalContext: number;
}

/** What to ask for. */
export interface PlanRequest {
  /** `--context`; default: MAX_CONTEXT or the model's maximum, whichever is smaller. */
  contextSize?: number;
  /** `--threads`; default: the measured best (or all cores before measuring). */
  threads?: number;
  /** Whether the model's architecture supports flash attention (from the loaded binding). Default true. */
  flashAttentionSupported?: boolean;
  /** KV sequences, each with its own `contextSize` cells (`spark serve`). Default 1. */
  sequences?: number;
  /**
   * Force flash attention on or off (benchmarks). Default: on with a GPU, off on a CPU, where
   * llama.cpp's flash-attention kernel made prefill ~1.8× and 16-token verification batches
   * ~1.5–2× slower at 2k depth (measured on the 0.5B shape, 2 vCPUs).
   */
  flashAttention?: boolean;
}

/** KV cache element type. */
export type KvType = "Q8_0" | "F16";

/** Load and context options: everything resident, allocated up front. */
export interface WaferPlan {
  /** Set when the context exceeds the trained one: loaded with these rope-scaling overrides. */
  ropeScaling?: RopeScaling;
  /** Layers on the GPU: all of them when there is one. */
  gpuLayers: number | "max";
  /** Weights read fully into memory, never paged from the file. */
  useMmap: false;
  /** Tokens per sequence. */
  contextSize: number;
  /** KV sequences, each holding `contextSize` tokens. */
  sequences: number;
  flashAttention: boolean;
  /** K cache type: q8_0 when the head size allows. */
  kvKeyType: KvType;
  /** V cache type: q8_0 needs flash attention, else f16. */
  kvValueType: KvType;
  /** Tokens per decode batch during prefill. */
  batchSize: number;
  threads: number;
  weightsBytes: number;
  kvCacheBytes: number;
  /** Logits + compute scratch, estimated. */
  computeBytes: number;
  totalBytes: number;
  /** Where it lives: "RAM" or "VRAM". */
  memory: "RAM" | "VRAM";
  /** Human-readable reasons for each choice that differs from the ideal. */
  notes: string[];
}

const Q8_BYTES_PER_ELEMENT = 34 / 32;

const bytesPerElement = (type: KvType): number => (type === "Q8_0" ? Q8_BYTES_PER_ELEMENT : 2);

/** KV cache bytes for `contextSize` tokens (V defaults to the K type). */
export function kvCacheBytes(model: ModelFacts, contextSize: number, keyType: KvType, valueType: KvType = keyType): number {
  const perToken = model.nLayer * model.nHeadKv * model.headSize * (bytesPerElement(keyType) + bytesPerElement(valueType));
  return Math.ceil(perToken * contextSize);
}

/** "q8_0" or "q8_0/f16" (K/V) for people. */
export function describeKvTypes(plan: Pick<WaferPlan, "kvKeyType" | "kvValueType">): string {
  const k = plan.kvKeyType.toLowerCase();
  const v = plan.kvValueType.toLowerCase();
  return k === v ? k : `${k}/${v}`;
}

/**
 * The wafer plan: a pure function from the model's and machine's facts to load options.
 * Refuses (ModelError, exit 3) when model + context cannot be resident, naming the GiB needed and
 * what to lower.
 */
export function planWafer(model: ModelFacts, machine: MachineFacts, request: PlanRequest = {}): WaferPlan {
  const notes: string[] = [];
  const trained = model.contextLength || MAX_CONTEXT;
  let contextSize = Math.min(MAX_CONTEXT, trained);
  let ropeScaling: RopeScaling | undefined;
  if (request.contextSize !== undefined) {
    const scaledMax = Math.min(trained * MAX_ROPE_SCALING, MAX_CONTEXT);
    if (request.contextSize > scaledMax) {
      const why = trained * MAX_ROPE_SCALING > MAX_CONTEXT ? `Spark's maximum is ${MAX_CONTEXT}` : `the model was trained on ${trained} tokens and YaRN rope scaling stretches that ${MAX_ROPE_SCALING}× at most (${scaledMax})`;
      throw new UsageError(`--context ${request.contextSize} is too long: ${why}`);
    }
    contextSize = request.contextSize;
    if (contextSize > trained) {
      ropeScaling = { type: "yarn", factor: contextSize / trained, originalContext: trained };
      notes.push(`YaRN rope scaling ×${(contextSize / trained).toFixed(2).replace(/\.?0+$/, "")}: context ${contextSize} over the model's trained ${trained}`);
    }
  }
  const onGpu = machine.gpu !== false;
  const supported = request.flashAttentionSupported ?? true;
  const flashAttention = supported && (request.flashAttention ?? onGpu);
  if (!supported) notes.push("flash attention not supported by this model/binding");
  else if (!flashAttention && !onGpu && request.flashAttention === undefined) {
    notes.push("flash attention off on a CPU: its kernel is slower there for prefill and for verifying drafts");
  }
  let kvKeyType: KvType = "Q8_0";
  if (model.headSize % 32 !== 0) {
    kvKeyType = "F16";
    notes.push(`KV cache f16: head size ${model.headSize} is not divisible by 32, which a q8_0 cache needs`);
  }
  const kvValueType: KvType = flashAttention ? kvKeyType : "F16";
  if (kvKeyType === "Q8_0" && kvValueType === "F16") notes.push("V cache f16: a quantized V cache needs flash attention");
  const threads = Math.max(1, request.threads ?? machine.cores);
  // Without flash attention the K·Q scores of a whole batch are materialized (heads × batch ×
  // context floats): a CPU batch of 128 prefills as fast as 512 here and needs a quarter of that.
  const batchSize = Math.min(onGpu ? 2048 : flashAttention ? 512 : 128, contextSize);
  const weightsBytes = model.fileSizeBytes;
  const sequences = Math.max(1, request.sequences ?? 1);
  const kvBytes = kvCacheBytes(model, contextSize, kvKeyType, kvValueType) * sequences;
  const scoresBytes = flashAttention ? 0 : model.nHead * batchSize * contextSize * 4;
  // Logits for one batch (vocab unknown here: bounded by embedding × batch), the attention scores
  // without flash attention, plus llama.cpp's graph scratch.
  const computeBytes = Math.ceil(batchSize * model.nEmbd * 4 * 8 + scoresBytes + 256 * 2 ** 20);
  const totalBytes = weightsBytes + kvBytes + computeBytes;
  const available = onGpu ? machine.freeVramBytes : machine.freeRamBytes;
  if (totalBytes > available * 0.95) {
    const fixedBytes = weightsBytes + computeBytes - scoresBytes;
    const perToken = (kvBytes + scoresBytes) / contextSize;
    const fitTokens = Math.floor((available * 0.95 - fixedBytes) / perToken / 1024) * 1024;
    const advice =
      fitTokens >= 2048
        ? `lower --context to ${fitTokens}${sequences > 1 ? " or --sequences" : ""} or use a smaller model/quantization`
        : `use ${sequences > 1 ? "fewer --sequences, " : ""}a smaller model or quantization, or free memory`;
    const what = sequences > 1 ? `${sequences} sequences of a ${contextSize}-token context` : `a ${contextSize}-token context`;
    throw new ModelError(`not enough ${onGpu ? "VRAM" : "memory"}: the model with ${what} needs ${gib(totalBytes)}, ${gib(available)} is available; ${advice}`);
  }
  return {
    ...(ropeScaling !== undefined ? { ropeScaling } : {}),
    gpuLayers: onGpu ? "max" : 0,
    useMmap: false,
    contextSize,
    sequences,
    flashAttention,
    kvKeyType,
    kvValueType,
    batchSize,
    threads,
    weightsBytes,
    kvCacheBytes: kvBytes,
    computeBytes,
    totalBytes,
    memory: onGpu ? "VRAM" : "RAM",
    notes,
  };
}

/** A plan as lines for `spark doctor` and `spark bench`. */
export function describePlan(plan: WaferPlan): string[] {
  return [
    `layers: ${plan.gpuLayers === "max" ? "all on the GPU" : "CPU"}; weights resident (no mmap): ${gib(plan.weightsBytes)}`,
    `context: ${plan.contextSize} tokens${plan.sequences > 1 ? ` × ${plan.sequences} sequences` : ""} allocated up front; KV cache ${describeKvTypes(plan)}: ${gib(plan.kvCacheBytes)}`,
    `flash attention: ${plan.flashAttention ? "on" : "off"}; batch: ${plan.batchSize}; threads: ${plan.threads}`,
    `memory needed: ${gib(plan.totalBytes)} of ${plan.memory}`,
    ...plan.notes.map((n) => `note: ${n}`),
  ];
}

/** GGUF metadata overrides that make llama.cpp apply `plan.ropeScaling` (none without it). */
export function ropeOverrides(architecture: string, scaling: RopeScaling | undefined): Record<string, unknown> | undefined {
  if (scaling === undefined) return undefined;
  // node-llama-cpp 3.22.1 sends a whole number as an integer override, which llama.cpp rejects for
  // this float key (the override is then silently dropped); a millionth keeps it a float.
  const factor = Number.isInteger(scaling.factor) ? scaling.factor + 1e-6 : scaling.factor;
  return { [architecture]: { rope: { scaling: { type: scaling.type, factor, original_context_length: scaling.originalContext } } } };
}
