import { describe, expect, it } from "vitest";
import type { EditBlockTokenizer } from "../../src/inference/edit-blocks.js";
import { PromptLookupDrafter } from "../../src/inference/prompt-lookup.js";

/** A word tokenizer: each word with its leading spaces is one token, and so is each line break. */
function wordTokenizer(): EditBlockTokenizer & { ids: (text: string) => number[] } {
  const vocab = new Map<string, number>();
  const words: string[] = [];
  const ids = (text: string): number[] =>
    (text.match(/[^\S\n]*[^\s]+|\n/g) ?? []).map((w) => {
      let id = vocab.get(w);
      if (id === undefined) {
        id = words.length + 100;
        vocab.set(w, id);
        words.push(w);
      }
      return id;
    });
  return { ids, tokenize: ids, text: (tokens) => tokens.map((t) => words[t - 100] ?? "").join("") };
}

const FILE = "const a = 1;\nlet b = 2;\nreturn a + b;\n";
const PROMPT = `Rules: reply with blocks.\n\nsrc/x.ts\n\`\`\`\n${FILE}\`\`\`\n\nTask: change b.\n`;

/** A drafter over PROMPT, and a writer that appends output text to the history as the engine would. */
function setup(editBlocks: boolean): { propose: (max?: number) => string; write: (text: string) => void } {
  const tok = wordTokenizer();
  const history = tok.ids(PROMPT);
  const drafter = new PromptLookupDrafter(history, editBlocks ? { editBlocks: tok } : {});
  drafter.propose(history, 0);
  return {
    propose: (max = 64) => tok.text(drafter.propose(history, max).tokens),
    write: (text) => {
      drafter.feedback(0, 0);
      history.push(...tok.ids(text));
    },
  };
}

describe("lookup drafts in SEARCH/REPLACE answers (editBlocks)", () => {
  it("drafts the SEARCH marker after the path line, where plain lookup copies the prompt's fence", () => {
    const blocks = setup(true);
    blocks.write("I will change b.\n\nsrc/x.ts\n");
    expect(blocks.propose()).toBe("<<<<<<< SEARCH\n");
    const plain = setup(false);
    plain.write("I will change b.\n\nsrc/x.ts\n");
    expect(plain.propose(3)).toBe("```\nconst");
  });

  it("follows a copied path line with the SEARCH marker instead of the fence", () => {
    const blocks = setup(true);
    blocks.write("I will change b.\n\nsrc/x.ts");
    expect(blocks.propose(4)).toBe("\n<<<<<<< SEARCH\n");
  });

  it("finds a SEARCH block's first line by its first token at a line start", () => {
    const blocks = setup(true);
    blocks.write("src/x.ts\n<<<<<<< SEARCH\nlet");
    expect(blocks.propose(4)).toBe(" b = 2;\n");
    const plain = setup(false);
    plain.write("src/x.ts\n<<<<<<< SEARCH\nlet");
    expect(plain.propose(4)).toBe("");
  });

  it("starts a REPLACE block with its SEARCH block's text and closes it where that copy ends", () => {
    const blocks = setup(true);
    blocks.write("src/x.ts\n<<<<<<< SEARCH\nlet b = 2;\nreturn a + b;\n=======\n");
    expect(blocks.propose()).toBe("let b = 2;\nreturn a + b;\n>>>>>>> REPLACE\n");
    const plain = setup(false);
    plain.write("src/x.ts\n<<<<<<< SEARCH\nlet b = 2;\nreturn a + b;\n=======\n");
    expect(plain.propose()).toBe("");
  });

  it("closes a REPLACE block when nothing is left to copy, and completes a begun marker line", () => {
    const blocks = setup(true);
    blocks.write("src/x.ts\n<<<<<<< SEARCH\nlet b = 2;\n=======\nlet b = 3;\n");
    expect(blocks.propose()).toBe(">>>>>>> REPLACE\n");
    blocks.write(">>>>>>>");
    expect(blocks.propose()).toBe(" REPLACE\n");
  });

  it("opens the next block on the same file after a block closes", () => {
    const blocks = setup(true);
    blocks.write("src/x.ts\n<<<<<<< SEARCH\nlet b = 2;\n=======\nlet b = 3;\n>>>>>>> REPLACE\n");
    expect(blocks.propose()).toBe("src/x.ts\n<<<<<<< SEARCH\n");
  });
});
