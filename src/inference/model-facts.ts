import { ModelError } from "../errors.js";
import { readGgufHeader } from "../models/index.js";

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

/**
 * The plan's view of a GGUF header (read by src/models' parser, which also catches truncated
 * files). Missing or corrupt files become one-line ModelErrors.
 */
export async function readModelFacts(path: string): Promise<ModelFacts> {
  const h = await readGgufHeader(path);
  const nEmbd = h.embeddingLength ?? 0;
  const nLayer = h.blockCount ?? 0;
  if (nEmbd <= 0 || nLayer <= 0) throw new ModelError(`unsupported or incomplete GGUF model (architecture "${h.architecture}"): ${path}`);
  const nHead = h.headCount ?? 1;
  return {
    path,
    architecture: h.architecture,
    name: h.name ?? path.split(/[\\/]/).pop() ?? path,
    contextLength: h.contextLength ?? 4096,
    nEmbd,
    nLayer,
    nHead,
    nHeadKv: h.headCountKv ?? nHead,
    headSize: h.headSize ?? nEmbd / nHead,
    fileSizeBytes: h.fileSize,
    quantization: h.fileTypeName ?? "unknown",
  };
}
