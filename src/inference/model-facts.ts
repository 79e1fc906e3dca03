import { stat } from "node:fs/promises";
import { readGgufFileInfo } from "node-llama-cpp";
import { ModelError } from "../errors.js";

/** What the wafer plan needs to know about a GGUF model. */
export interface ModelFacts {
  path: string;
  architecture: string;
  name: string;
  /** Trained context length (`<arch>.context_length`). */
  contextLength: number;
  nEmbd: number;
  nLayer: number;
  nHead: number;
  nHeadKv: number;
  /** Size of one attention head (key and value). */
  headSize: number;
  fileSizeBytes: number;
  /** Human-readable quantization, e.g. "Q8_0". */
  quantization: string;
}

const FILE_TYPES: Record<number, string> = { 0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 15: "Q4_K_M", 17: "Q5_K_M", 18: "Q6_K", 32: "BF16" };

function num(v: unknown, fallback = 0): number {
  return typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : fallback;
}

/** Reads a GGUF's header (not its weights). Missing or corrupt files become one-line ModelErrors. */
export async function readModelFacts(path: string): Promise<ModelFacts> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    throw new ModelError(`model file not found: ${path}`);
  }
  let info;
  try {
    info = await readGgufFileInfo(path, { readTensorInfo: false, logWarnings: false, ignoreKeys: ["tokenizer.ggml.tokens", "tokenizer.ggml.merges", "tokenizer.ggml.token_type", "tokenizer.ggml.scores"] });
  } catch (err) {
    const why = err instanceof Error ? err.message.split("\n")[0] : String(err);
    throw new ModelError(`not a readable GGUF model: ${path} (${why})`, { cause: err });
  }
  const meta = info.metadata as unknown as Record<string, Record<string, unknown> | undefined>;
  const general = meta.general ?? {};
  const arch = typeof general.architecture === "string" ? general.architecture : "unknown";
  const a = meta[arch] ?? {};
  const attention = (a.attention ?? {}) as Record<string, unknown>;
  const nEmbd = num(a.embedding_length);
  const nHead = num(attention.head_count, 1);
  const nHeadKvRaw = attention.head_count_kv;
  const nHeadKv = Array.isArray(nHeadKvRaw) ? num(nHeadKvRaw[0], nHead) : num(nHeadKvRaw, nHead);
  const headSize = num(attention.key_length, nHead > 0 ? nEmbd / nHead : 0);
  if (nEmbd <= 0 || num(a.block_count) <= 0) throw new ModelError(`unsupported or incomplete GGUF model (architecture "${arch}"): ${path}`);
  return {
    path,
    architecture: arch,
    name: typeof general.name === "string" ? general.name : path.split(/[\\/]/).pop() ?? path,
    contextLength: num(a.context_length, 4096),
    nEmbd,
    nLayer: num(a.block_count),
    nHead,
    nHeadKv,
    headSize,
    fileSizeBytes: size,
    quantization: FILE_TYPES[num(general.file_type, -1)] ?? `type ${num(general.file_type, -1)}`,
  };
}
