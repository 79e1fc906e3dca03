import type { LlamaContextSequence, Token } from "node-llama-cpp";
import { alignPrefix } from "./sequence-prefix.js";

/** Proposes draft tokens for the next step; told afterwards how many were accepted. */
export interface Drafter {
  propose(history: readonly number[]): number[] | Promise<number[]>;
  feedback(proposed: number, accepted: number): void;
}

/** Options of the draft-model drafter. */
export interface DraftModelOptions {
  /** Most tokens drafted per step. Default 8. */
  maxDraft?: number;
  /** Fewest tokens drafted when acceptance is poor. Default 2. */
  minDraft?: number;
}

/**
 * Drafts with a small model on the same vocabulary: it follows the history on its own KV sequence
 * (reusing the shared prefix each step) and greedily proposes the next few tokens.
 */
export class DraftModelDrafter implements Drafter {
  private length: number;
  private readonly maxDraft: number;
  private readonly minDraft: number;

  constructor(
    private readonly sequence: LlamaContextSequence,
    options: DraftModelOptions = {},
  ) {
    this.maxDraft = options.maxDraft ?? 8;
    this.minDraft = options.minDraft ?? 2;
    this.length = Math.min(4, this.maxDraft);
  }

  async propose(history: readonly number[]): Promise<number[]> {
    const tokens = history as readonly Token[];
    const last = tokens[tokens.length - 1];
    if (last === undefined) return [];
    const keep = await alignPrefix(this.sequence, tokens);
    const missing = tokens.slice(keep, tokens.length - 1);
    if (missing.length > 0) await this.sequence.evaluateWithoutGeneratingNewTokens([...missing]);
    const room = this.sequence.contextSize - this.sequence.nextTokenIndex - 2;
    const drafts: number[] = [];
    let t = last;
    for (let i = 0; i < Math.min(this.length, room); i++) {
      const [out] = await this.sequence.controlledEvaluate([[t, { generateNext: { token: true } }]]);
      const next = out?.next.token;
      if (next === undefined || next === null) break;
      drafts.push(next);
      t = next;
    }
    return drafts;
  }

  feedback(proposed: number, accepted: number): void {
    if (proposed === 0) return;
    if (accepted === proposed) this.length = Math.min(this.maxDraft, this.length + 2);
    else if (accepted < proposed / 2) this.length = Math.max(this.minDraft, this.length - 2);
  }
}
