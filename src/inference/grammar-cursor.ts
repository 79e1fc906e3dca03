import { LlamaContextSequence, LlamaGrammarEvaluationState, type Llama, type LlamaGrammar, type LlamaModel } from "node-llama-cpp";

/** The addon's grammar helpers; node-llama-cpp 3.22.1 keeps them internal (pinned version). */
interface AddonSamplerStatics {
  canBeNextTokenForGrammarEvaluationState(state: unknown, token: number): boolean;
  acceptGrammarEvaluationStateToken(state: unknown, token: number): void;
}

function addonSampler(llama: Llama): AddonSamplerStatics {
  // Internal field of the pinned node-llama-cpp version; checked by test/inference/grammar-cursor.test.ts.
  const bindings = (llama as unknown as { _bindings: { AddonSampler: AddonSamplerStatics } })._bindings;
  return bindings.AddonSampler;
}

/**
 * A grammar evaluation state we can query and advance ourselves, so speculative drafts can be
 * checked against the grammar without sampling.
 */
export class GrammarCursor {
  readonly state: LlamaGrammarEvaluationState;
  private readonly addon: AddonSamplerStatics;

  constructor(llama: Llama, model: LlamaModel, grammar: LlamaGrammar, state?: LlamaGrammarEvaluationState) {
    this.state = state ?? new LlamaGrammarEvaluationState({ model, grammar });
    this.addon = addonSampler(llama);
  }

  /** Whether `token` may come next. */
  allows(token: number): boolean {
    return this.addon.canBeNextTokenForGrammarEvaluationState((this.state as unknown as { _state: unknown })._state, token);
  }

  /** Advances past `token` (which must be allowed). */
  accept(token: number): void {
    this.addon.acceptGrammarEvaluationStateToken((this.state as unknown as { _state: unknown })._state, token);
  }

  /** The longest prefix of `tokens` the grammar admits from here (checked on a copy of the state). */
  allowedPrefix(llama: Llama, model: LlamaModel, grammar: LlamaGrammar, tokens: readonly number[]): number {
    const probe = new GrammarCursor(llama, model, grammar, this.state.clone());
    let n = 0;
    for (const t of tokens) {
      if (!probe.allows(t)) break;
      probe.accept(t);
      n++;
    }
    return n;
  }
}

let grammarPerItem: boolean | undefined;

/**
 * Whether `controlledEvaluate` samples under a grammar state given per input item
 * (`generateNext.options.grammarEvaluationState`): node-llama-cpp 3.22.1 with Spark's patch
 * (patches/node-llama-cpp+3.22.1.patch, applied by `npm install`). Without it, a forbidden greedy
 * choice costs a second evaluation (the decode loop's fallback).
 */
export function controlledEvaluateTakesGrammar(): boolean {
  grammarPerItem ??= String(LlamaContextSequence.prototype.controlledEvaluate).includes("sampleOptions.grammarEvaluationState");
  return grammarPerItem;
}
