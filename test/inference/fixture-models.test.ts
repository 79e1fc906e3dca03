import { getLlama, type Token } from "node-llama-cpp";
import { describe, expect, it } from "vitest";
import { ensureFixtureModel } from "../../fixtures/index.js";

describe("generated fixture models through real llama.cpp", () => {
  it("the successor model continues 'abc' with 'defg…' greedily, with a q8_0 KV cache", async () => {
    const llama = await getLlama({ gpu: false, build: "never", maxThreads: 1 });
    const model = await llama.loadModel({ modelPath: ensureFixtureModel("successor"), useMmap: false });
    const context = await model.createContext({
      contextSize: 512,
      threads: 1,
      flashAttention: true,
      experimentalKvCacheKeyType: "Q8_0",
      experimentalKvCacheValueType: "Q8_0",
    });
    try {
      const out: Token[] = [];
      for await (const token of context.getSequence().evaluate(model.tokenize("xyz abc"), { temperature: 0 })) {
        out.push(token);
        if (out.length === 10) break;
      }
      expect(model.detokenize(out)).toBe("defghijklm");
    } finally {
      await context.dispose();
      await model.dispose();
    }
  });
});
