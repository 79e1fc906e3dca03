import type { ModelFacts } from "./model-facts.js";

/**
 * Published shapes of models Spark suggests, so `spark doctor` can plan memory before a download.
 * Sizes are the GGUF files' sizes on the Hub.
 */
const KNOWN: Record<string, Omit<ModelFacts, "path">> = {
  "hf:Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF:Q8_0": {
    architecture: "qwen2",
    name: "Qwen2.5-Coder-1.5B-Instruct (Q8_0)",
    contextLength: 32768,
    nEmbd: 1536,
    nLayer: 28,
    nHead: 12,
    nHeadKv: 2,
    headSize: 128,
    fileSizeBytes: 1_894_532_160,
    quantization: "Q8_0",
  },
};

/** Facts of a known model URI, without downloading it. */
export function knownModelFacts(uri: string): ModelFacts | undefined {
  const facts = KNOWN[uri];
  return facts ? { path: uri, ...facts } : undefined;
}
