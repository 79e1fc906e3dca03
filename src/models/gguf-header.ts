/**
 * Cheap GGUF validation before a model is loaded: reads only the header, metadata and tensor infos
 * (a few MB at most, for the tokenizer arrays) and checks the file is long enough for its tensors,
 * so a missing, truncated or non-GGUF file fails with one line instead of inside llama.cpp.
 */
import { open, stat } from "node:fs/promises";
import { ModelError } from "../errors.js";
import { fileTypeName } from "./ggml-types.js";
import { GgufFormatError, NeedMoreBytes, parseGguf, type GgufRaw, type GgufValue } from "./gguf-parse.js";

export type { GgufArray, GgufValue } from "./gguf-parse.js";

/** The facts of a GGUF model file that Spark plans with. Optional fields are absent from the file. */
export interface GgufHeader {
  path: string;
  fileSize: number;
  /** GGUF format version: 2 or 3. */
  version: number;
  tensorCount: number;
  kvCount: number;
  /** `general.architecture`, e.g. "llama", "qwen2". */
  architecture: string;
  /** `general.name`. */
  name?: string;
  /** `<arch>.context_length`: the context the model was trained for. */
  contextLength?: number;
  /** `<arch>.embedding_length` (hidden size). */
  embeddingLength?: number;
  /** `<arch>.block_count` (layers). */
  blockCount?: number;
  /** `<arch>.feed_forward_length`. */
  feedForwardLength?: number;
  /** `<arch>.attention.head_count` (first entry when it is per layer). */
  headCount?: number;
  /** `<arch>.attention.head_count_kv`; equals `headCount` when the file omits it. */
  headCountKv?: number;
  /** Per-head size: `<arch>.attention.key_length`, else embedding / heads. */
  headSize?: number;
  /** Tokens in `tokenizer.ggml.tokens`. */
  vocabSize?: number;
  /** `general.file_type` (llama_ftype) and its name, e.g. 7 / "Q8_0". */
  fileType?: number;
  fileTypeName?: string;
  /** Sum of the tensors' element counts. */
  parameterCount: number;
  /** Offset of the tensor data section. */
  dataOffset: number;
  /** Smallest size that holds every tensor; absent when a tensor type is unknown to Spark. */
  requiredBytes?: number;
  /** Every metadata entry (arrays summarised). */
  metadata: ReadonlyMap<string, GgufValue>;
}

const firstReadBytes = 4 << 20;

/** Reads and validates the GGUF header of `path`; every failure is a one-line `ModelError`. */
export async function readGgufHeader(path: string): Promise<GgufHeader> {
  const fileSize = await fileSizeOf(path);
  const handle = await open(path, "r");
  try {
    let length = Math.min(fileSize, firstReadBytes);
    for (;;) {
      const buf = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buf, 0, length, 0);
      try {
        return interpret(path, fileSize, parseGguf(buf.subarray(0, bytesRead), fileSize));
      } catch (err) {
        if (err instanceof NeedMoreBytes && length < fileSize) {
          length = Math.min(fileSize, length * 4);
          continue;
        }
        if (err instanceof GgufFormatError) throw formatError(path, buf, err);
        throw err;
      }
    }
  } finally {
    await handle.close();
  }
}

async function fileSizeOf(path: string): Promise<number> {
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new ModelError(`model path is not a file: ${path}`);
    return s.size;
  } catch (err) {
    if (err instanceof ModelError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new ModelError(`model file not found: ${path}`, { cause: err });
    throw new ModelError(`cannot read model file ${path}: ${code ?? String(err)}`, { cause: err });
  }
}

function formatError(path: string, head: Buffer, err: GgufFormatError): ModelError {
  if (err.message === "bad magic") {
    const text = head.toString("latin1", 0, 64).trimStart().toLowerCase();
    const hint = text.startsWith("<") ? " (it looks like an HTML page)" : text.startsWith("{") ? " (it looks like JSON)" : "";
    return new ModelError(`not a GGUF file: ${path}${hint}`, { cause: err });
  }
  if (err.message.startsWith("the file ends")) return new ModelError(`truncated GGUF file: ${path} (${err.message})`, { cause: err });
  return new ModelError(`corrupt GGUF file: ${path} (${err.message})`, { cause: err });
}

function num(v: GgufValue | undefined): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "object" && v.values !== undefined && typeof v.values[0] === "number") return v.values[0];
  return undefined;
}

function interpret(path: string, fileSize: number, raw: GgufRaw): GgufHeader {
  const m = raw.metadata;
  const architecture = m.get("general.architecture");
  if (typeof architecture !== "string" || architecture === "") {
    throw new ModelError(`corrupt GGUF file: ${path} (no general.architecture)`);
  }
  if (raw.requiredBytes !== undefined && fileSize < raw.requiredBytes) {
    throw new ModelError(`truncated GGUF file: ${path} (${fileSize} bytes, its tensors need ${raw.requiredBytes})`);
  }
  const a = (key: string): number | undefined => num(m.get(`${architecture}.${key}`));
  const name = m.get("general.name");
  const embeddingLength = a("embedding_length");
  const headCount = a("attention.head_count");
  const keyLength = a("attention.key_length");
  const fileType = num(m.get("general.file_type"));
  const tokens = m.get("tokenizer.ggml.tokens");
  const header: GgufHeader = {
    path,
    fileSize,
    version: raw.version,
    tensorCount: raw.tensorCount,
    kvCount: raw.kvCount,
    architecture,
    parameterCount: raw.parameterCount,
    dataOffset: raw.dataOffset,
    metadata: m,
  };
  if (typeof name === "string") header.name = name;
  assign(header, "contextLength", a("context_length"));
  assign(header, "embeddingLength", embeddingLength);
  assign(header, "blockCount", a("block_count"));
  assign(header, "feedForwardLength", a("feed_forward_length"));
  assign(header, "headCount", headCount);
  assign(header, "headCountKv", a("attention.head_count_kv") ?? headCount);
  const derivedHeadSize = embeddingLength !== undefined && headCount ? embeddingLength / headCount : undefined;
  assign(header, "headSize", keyLength ?? (Number.isInteger(derivedHeadSize) ? derivedHeadSize : undefined));
  if (typeof tokens === "object") header.vocabSize = tokens.length;
  if (fileType !== undefined) {
    header.fileType = fileType;
    header.fileTypeName = fileTypeName(fileType);
  }
  if (raw.requiredBytes !== undefined) header.requiredBytes = raw.requiredBytes;
  return header;
}

type NumericKey = "contextLength" | "embeddingLength" | "blockCount" | "feedForwardLength" | "headCount" | "headCountKv" | "headSize";

function assign(header: GgufHeader, key: NumericKey, value: number | undefined): void {
  if (value !== undefined) header[key] = value;
}
