/**
 * Token counts of long texts without holding the event loop: node-llama-cpp tokenizes
 * synchronously (an 8 MB prompt took 9 s, and `/health` waited as long), so a long text is cut
 * into slices, tokenized one at a time with a turn of the event loop between them.
 */

/** Characters per slice: ~70 ms of tokenizing on a 2-core VM at worst (one token per byte). */
export const SLICE_CHARS = 64 * 1024;

/**
 * Where to end a slice of `text` that starts at `from`: just after a newline followed by a
 * non-space character, else just before a space that follows a non-space one; byte-level BPE
 * vocabularies (GPT-2, Qwen, Llama 3) never merge across either, so the slices' tokens are the
 * whole text's. Else (one huge word) a plain cut.
 */
function sliceEnd(text: string, from: number): number {
  const limit = from + SLICE_CHARS;
  if (limit >= text.length) return text.length;
  const floor = from + SLICE_CHARS / 2;
  for (let i = limit; i > floor; i--) if (text[i - 1] === "\n" && !/\s/.test(text[i] ?? "")) return i;
  for (let i = limit; i > floor; i--) if (text[i] === " " && !/\s/.test(text[i - 1] ?? "")) return i;
  return limit;
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Tokens in `text` by `tokenize`, a slice at a time; stops early, returning a count above
 * `stopAbove`, once the count passes it. A text of one slice is tokenized whole.
 */
export async function countTokensSliced(text: string, tokenize: (piece: string) => number, stopAbove = Infinity): Promise<number> {
  let count = 0;
  for (let from = 0; from < text.length; ) {
    const end = sliceEnd(text, from);
    count += tokenize(text.slice(from, end));
    from = end;
    if (count > stopAbove) return count;
    if (from < text.length) await turn();
  }
  return count;
}
