/**
 * Each format's GBNF grammar through the real engine: a generated random-weight model
 * (fixtures/) samples with temperature 1 under the grammar, and whatever it writes parses.
 * Token biases (re-chosen at every step from the text so far) steer the random model towards
 * line breaks, block markers and, late on, the end of the reply, so that complete replies with
 * edit blocks actually occur; the grammar alone decides what is allowed.
 */
import { getLlama, LlamaCompletion, TokenBias, type Llama, type LlamaContext, type LlamaModel, type Token } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureFixtureModel } from "../../fixtures/index.js";
import { EditParseError, formats, parseEdits, type FormatName } from "../../src/edits/index.js";

let llama: Llama;
let model: LlamaModel;
let context: LlamaContext;

beforeAll(async () => {
  llama = await getLlama({ gpu: false, build: "never", maxThreads: 1 });
  model = await llama.loadModel({ modelPath: ensureFixtureModel("tiny-random"), useMmap: false });
  context = await model.createContext({ contextSize: 1024, threads: 1 });
});

afterAll(async () => {
  await context?.dispose();
  await model?.dispose();
});

/** Characters each format's structure starts lines with (boosted at the start of a line). */
const STARTERS: Record<FormatName, string> = { "search-replace": "<=>a", udiff: "-+@ a", whole: "`a" };

/**
 * Per-step bias: at a line start, the format's structural characters; while a line is one
 * repeated marker character, more of it (so "<<<<<<< SEARCH", "```", "---" get finished); else a
 * line break. After `wrapAfter` lines everything else is pushed far down so the reply ends.
 */
function steering(name: FormatName, wrapAfter: number): (text: string) => TokenBias {
  const make = (base: number, boosts: Record<string, number>): TokenBias => {
    const b = new TokenBias(model.tokenizer);
    for (let t = 0; t < 256; t++) b.set(t as Token, { logit: base });
    for (const [chars, logit] of Object.entries(boosts)) for (const c of chars) b.set(c, { logit });
    return b;
  };
  const marks = "<=>`-+@";
  const normal = { start: make(-6, { [STARTERS[name]]: 5, "\n": 1 }), inside: make(-6, { "ab1 ": 0, "\n": 5 }) };
  const late = { start: make(-14, { "=>`": 2, "\n": 0 }), inside: make(-14, { "\n": 4 }) };
  const repeat = new Map([...marks].map((c) => [c, make(-6, { [c]: 9, "\n": 0 })]));
  return (text) => {
    const line = text.slice(text.lastIndexOf("\n") + 1);
    const set = text.split("\n").length - 1 >= wrapAfter ? late : normal;
    if (line.length === 0) return set.start;
    const c = line[0] ?? "";
    if (marks.includes(c) && line.length < 8 && [...line].every((x) => x === c)) return repeat.get(c) ?? set.inside;
    return set.inside;
  };
}

const SAMPLES = 8;

describe("grammars through node-llama-cpp with a random model", () => {
  for (const name of Object.keys(formats) as FormatName[]) {
    it(`${name}: every complete reply parses; cut-off replies never trip the parser mid-stream`, async () => {
      const format = formats[name];
      const grammar = await llama.createGrammar({ grammar: format.grammar });
      const steer = steering(name, 14);
      const sequence = context.getSequence();
      const completion = new LlamaCompletion({ contextSequence: sequence });
      let complete = 0;
      let edits = 0;
      try {
        for (let seed = 1; seed <= SAMPLES; seed++) {
          await sequence.clearHistory();
          let text = "";
          const r = await completion.generateCompletionWithMeta("x", {
            grammar,
            temperature: 1,
            topK: 0,
            topP: 1,
            seed,
            maxTokens: 400,
            tokenBias: () => steer(text),
            onTextChunk: (chunk) => (text += chunk),
          });
          const parser = format.createParser();
          const events = [...r.response].flatMap((c) => parser.push(c));
          if (r.metadata.stopReason === "eogToken") {
            complete++;
            events.push(...parser.end());
            edits += events.filter((e) => e.type === "edit").length;
            expect(() => parseEdits(format, r.response)).not.toThrow();
          } else {
            // A reply cut off by maxTokens may end inside a block: that is the only complaint allowed.
            try {
              parser.end();
            } catch (err) {
              expect(err).toBeInstanceOf(EditParseError);
            }
          }
        }
      } finally {
        sequence.dispose();
      }
      expect(complete).toBeGreaterThanOrEqual(SAMPLES / 2);
      expect(edits).toBeGreaterThan(0);
    });
  }
});
