import type { Llama, LlamaContextSequence, LlamaModel, Token } from "node-llama-cpp";
import { describe, expect, it } from "vitest";
import { decode } from "../../src/inference/decode-loop.js";

/** Sampling options seen per step by a stand-in sequence that always answers token 65 ("A"). */
function recordingSequence(): { sequence: LlamaContextSequence; seeds: (number | undefined)[] } {
  const seeds: (number | undefined)[] = [];
  let next = 0;
  const fake = {
    contextSize: 4096,
    get nextTokenIndex() {
      return next;
    },
    compareContextTokens: () => ({ firstDifferentIndex: 0 }),
    eraseContextTokenRanges: async () => undefined,
    evaluateWithoutGeneratingNewTokens: async (tokens: Token[]) => {
      next += tokens.length;
    },
    controlledEvaluate: async (input: [Token, { generateNext: { options: { seed?: number } } }][]) => {
      next += input.length;
      seeds.push(input[0]?.[1].generateNext.options.seed);
      return input.map(() => ({ next: { token: 65 } }));
    },
  };
  return { sequence: fake as unknown as LlamaContextSequence, seeds };
}

const model = { isEogToken: () => false, detokenize: (tokens: readonly Token[]) => String.fromCharCode(...tokens) } as unknown as LlamaModel;

async function run(temperature: number): Promise<(number | undefined)[]> {
  const { sequence, seeds } = recordingSequence();
  for await (const event of decode({ llama: {} as Llama, model, sequence, prompt: [1, 2, 3] as Token[], maxTokens: 6, temperature })) void event;
  return seeds;
}

describe("decode loop sampling options", () => {
  it("above temperature 0, each step gets its own seed, the same ones on every run", async () => {
    const seeds = await run(0.8);
    expect(seeds).toHaveLength(6);
    // One fixed seed would make node-llama-cpp's fresh sampler draw the same number for every token.
    expect(new Set(seeds).size).toBe(6);
    expect(await run(0.8)).toEqual(seeds);
  });

  it("greedy steps carry no seed", async () => {
    expect(await run(0)).toEqual(Array.from({ length: 6 }, () => undefined));
  });
});
