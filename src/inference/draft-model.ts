import type { LlamaContextSequence, Token } from "node-llama-cpp";
import { alignPrefix } from "./sequence-prefix.js";

/** Draft tokens and what they rest on. */
export interface Draft {
  tokens: number[];
  /**
   * How many tokens of agreement the guess rests on (lookup: history tokens that match the source
   * before the copy point; a draft model: tokens it guessed right in a row). The acceptance model
   * learns per context length.
   */
  context: number;
  /** Whether the draft copies the output written so far rather than the input. Default false. */
  fromOutput?: boolean;
}

/** Proposes draft tokens for the next step; told afterwards how many were accepted. */
export interface Drafter {
  /** Whether proposing costs next to nothing (a lookup), so a draft can be proposed and not sent. */
  readonly cheap: boolean;
  /** Up to `max` tokens guessed to follow `history` (prompt, then output). */
  propose(history: readonly number[], max: number): Draft | Promise<Draft>;
  /** `accepted` of `proposed` drafts matched; one more token (the model's own) followed them. */
  feedback(proposed: number, accepted: number): void;
}

/**
 * Drafts with a small model on the same vocabulary: it follows the history on its own KV sequence
 * (reusing the shared prefix each step) and greedily proposes the next tokens.
 */
export class DraftModelDrafter implements Drafter {
  readonly cheap = false;

  constructor(private readonly sequence: LlamaContextSequence) {}

  async propose(history: readonly number[], max: number): Promise<Draft> {
    const tokens = history as readonly Token[];
    const last = tokens[tokens.length - 1];
    if (last === undefined || max <= 0) return { tokens: [], context: 0 };
    const keep = await alignPrefix(this.sequence, tokens);
    const missing = tokens.slice(keep, tokens.length - 1);
    if (missing.length > 0) await this.sequence.evaluateWithoutGeneratingNewTokens([...missing]);
    const room = this.sequence.contextSize - this.sequence.nextTokenIndex - 2;
    const drafts: number[] = [];
    let t = last;
    for (let i = 0; i < Math.min(max, room); i++) {
      const [out] = await this.sequence.controlledEvaluate([[t, { generateNext: { token: true } }]]);
      const next = out?.next.token;
      if (next === undefined || next === null) break;
      drafts.push(next);
      t = next;
    }
    // The speculator counts how long this drafter has been right (it asks for drafts only when they pay).
    return { tokens: drafts, context: 0 };
  }

  feedback(): void {}
}
