/** Small GGUF files for the models tests, written with the fixtures' GGUF v3 writer. */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { writeGguf, type GgufTensor, type GgufValue } from "../../fixtures/index.js";
import { randomFloat } from "../../fixtures/gguf/quantize.js";

/** Options of `sampleGguf`; defaults give a ~200 KB llama-architecture file. */
export interface SampleOptions {
  architecture?: string;
  name?: string;
  /** Elements of the one F32 tensor (4 bytes each). Default 51 200 (200 KB). */
  elements?: number;
  seed?: number;
  /** general.file_type. Default 0 (F32). */
  fileType?: number;
}

/** Bytes of a valid GGUF v3 with real metadata and one random F32 tensor. */
export function sampleGguf(opts: SampleOptions = {}): Buffer {
  const arch = opts.architecture ?? "llama";
  const elements = opts.elements ?? 51_200;
  const metadata = new Map<string, GgufValue>([
    ["general.architecture", { type: "string", value: arch }],
    ["general.name", { type: "string", value: opts.name ?? "sample" }],
    ["general.file_type", { type: "uint32", value: opts.fileType ?? 0 }],
    [`${arch}.context_length`, { type: "uint32", value: 4096 }],
    [`${arch}.embedding_length`, { type: "uint32", value: 256 }],
    [`${arch}.block_count`, { type: "uint32", value: 3 }],
    [`${arch}.feed_forward_length`, { type: "uint32", value: 512 }],
    [`${arch}.attention.head_count`, { type: "uint32", value: 8 }],
    [`${arch}.attention.head_count_kv`, { type: "uint32", value: 2 }],
    ["tokenizer.ggml.model", { type: "string", value: "gpt2" }],
    ["tokenizer.ggml.tokens", { type: "string[]", value: ["a", "b", "c", "<eos>"] }],
  ]);
  const tensors: GgufTensor[] = [{ name: "token_embd.weight", dims: [256, elements / 256], type: "F32", data: randomFloat("F32", elements, 1, opts.seed ?? 7) }];
  const dir = mkdtempSync(path.join(os.tmpdir(), "spark-gguf-"));
  try {
    const file = path.join(dir, "sample.gguf");
    writeGguf(file, metadata, tensors);
    return readFileSync(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
