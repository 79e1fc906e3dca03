import type { LlamaContextSequence, Token } from "node-llama-cpp";

/** Drops everything the sequence holds from `start` on. */
export async function eraseFrom(sequence: LlamaContextSequence, start: number): Promise<void> {
  if (sequence.nextTokenIndex > start) await sequence.eraseContextTokenRanges([{ start, end: sequence.nextTokenIndex }]);
}

/**
 * Keeps the longest prefix of `tokens` the sequence already holds, except the last token, which
 * is always evaluated again (its logits give the next token). Returns how many tokens were kept.
 */
export async function alignPrefix(sequence: LlamaContextSequence, tokens: readonly Token[]): Promise<number> {
  const { firstDifferentIndex } = sequence.compareContextTokens([...tokens]);
  const keep = Math.min(firstDifferentIndex, tokens.length - 1);
  await eraseFrom(sequence, keep);
  return keep;
}
