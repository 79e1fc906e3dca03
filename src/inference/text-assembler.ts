import type { LlamaModel, Token } from "node-llama-cpp";

/**
 * Turns output tokens into text incrementally: holds back tokens that end mid-UTF-8-character and
 * the last few characters that could begin a stop string, and cuts the text at the first stop.
 */
export class TextAssembler {
  private readonly model: LlamaModel;
  private readonly stops: readonly string[];
  private readonly holdChars: number;
  private pendingTokens: Token[] = [];
  private context: Token[] = [];
  private held = "";
  /** True once a stop string was seen; nothing more is emitted. */
  stopped = false;

  constructor(model: LlamaModel, stops: readonly string[] = []) {
    this.model = model;
    this.stops = stops.filter((s) => s.length > 0);
    this.holdChars = Math.max(0, ...this.stops.map((s) => s.length - 1));
  }

  /** Adds tokens; returns the text that is now safe to show. */
  push(tokens: readonly Token[]): string {
    let out = "";
    // One token at a time, so the text never depends on how tokens were batched.
    for (const token of tokens) {
      if (this.stopped) break;
      this.pendingTokens.push(token);
      const text = this.model.detokenize(this.pendingTokens, false, this.context);
      // A token ending inside a multi-byte character detokenizes to U+FFFD; wait for the rest.
      if (text.endsWith("\uFFFD") && this.pendingTokens.length < 4) continue;
      this.context = [...this.context, ...this.pendingTokens].slice(-8);
      this.pendingTokens = [];
      out += this.release(this.held + text);
    }
    return out;
  }

  /** Everything still held back, at the end of generation. */
  flush(): string {
    if (this.stopped) return "";
    const tail = this.pendingTokens.length > 0 ? this.model.detokenize(this.pendingTokens, false, this.context) : "";
    this.pendingTokens = [];
    const out = this.held + tail;
    this.held = "";
    const cut = this.firstStop(out);
    return cut >= 0 ? out.slice(0, cut) : out;
  }

  private release(text: string): string {
    const cut = this.firstStop(text);
    if (cut >= 0) {
      this.stopped = true;
      this.held = "";
      return text.slice(0, cut);
    }
    if (this.holdChars === 0) {
      this.held = "";
      return text;
    }
    const keep = Math.min(this.holdChars, text.length);
    this.held = text.slice(text.length - keep);
    return text.slice(0, text.length - keep);
  }

  private firstStop(text: string): number {
    let best = -1;
    for (const s of this.stops) {
      const i = text.indexOf(s);
      if (i >= 0 && (best < 0 || i < best)) best = i;
    }
    return best;
  }
}
