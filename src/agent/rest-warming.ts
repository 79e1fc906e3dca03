/**
 * The rest of the repository for one conversation: what the first answer left out to answer
 * sooner (src/agent/first-budget.ts), prefilled in the background between turns, and added to
 * the conversation once warm.
 *
 * The first user message is `now` (the first pack) + the first k rest blocks + the first task;
 * growing k keeps everything before the new blocks as it was, so the cache keeps it. Warming goes
 * a group of blocks at a time: each step prefills the whole conversation as it would read with
 * the group added (last message left open), so the next turn finds all but its own message cached.
 * The next turn takes in what is warm (and fits): the blocks of completed steps, and those a
 * stopped step cached in full.
 *
 * The price: a step replaces the cached conversation after the first pack, so a turn that comes
 * before the first step completes prefills that part of the conversation again (the bench's
 * "hurried" case, bench/warming).
 */
import { debugNote } from "../debug-note.js";
import { estimateTokens, restText, type RestPack } from "../context/index.js";
import type { Backend, ChatMessage, WarmResult } from "../inference/index.js";

/** Least tokens one warm step adds (smaller steps re-prefill the conversation after them too often). */
const WARM_STEP_TOKENS = 4096;

/** The rest of one conversation's repository, and how much of it is warm. */
export class RestWarming {
  /** Blocks in the conversation's first user message. */
  used = 0;
  /** Blocks known cached with the conversation after them (≥ `used`). */
  warm = 0;
  private abort: AbortController | undefined;
  private running: Promise<void> | undefined;

  constructor(
    /** The first pack's text (the repository part of the first user message). */
    readonly nowText: string,
    /** What follows the repository in the first user message (the first task). */
    readonly tail: string,
    readonly pack: RestPack,
    /** The first user message as the conversation has it now. */
    public head: ChatMessage,
  ) {}

  /** Blocks and estimated tokens not in the conversation yet. */
  get remaining(): { files: number; tokens: number } {
    const left = this.pack.blocks.slice(this.used);
    return { files: left.length, tokens: left.reduce((n, b) => n + b.tokens, 0) };
  }

  /** Estimated tokens of the first `count` blocks. */
  tokensOf(count: number): number {
    return this.pack.blocks.slice(0, count).reduce((n, b) => n + b.tokens, 0);
  }

  /** The first user message with the first `count` blocks. */
  headWith(count: number): ChatMessage {
    return { role: "user", content: `${this.nowText}${restText(this.pack.blocks, count)}${this.tail}` };
  }

  /**
   * Grows the first user message (`messages[1]`, which must be `head`) by the warm blocks that
   * fit in `allowed` more tokens, and notes their files in `seen`. Block tokens are estimates:
   * the exact count (`count`) decides; over, the blocks are cut to fit at the ratio of exact to
   * estimated tokens just measured (3 tries). Returns whether blocks were added.
   */
  async takeIn(messages: ChatMessage[], allowed: number, count: (m: ChatMessage) => Promise<number>, seen: Map<string, string>): Promise<boolean> {
    if (messages[1] !== this.head || this.warm <= this.used) return false;
    const base = await count(this.head);
    let n = this.warm;
    for (let attempt = 0; attempt < 3 && n > this.used; attempt++) {
      const grown = this.headWith(n);
      const added = (await count(grown)) - base;
      if (added <= allowed) {
        for (const b of this.pack.blocks.slice(this.used, n)) seen.set(b.path, b.hash);
        messages[1] = grown;
        this.head = grown;
        this.used = n;
        return true;
      }
      const ratio = (added / Math.max(1, this.tokensOf(n) - this.tokensOf(this.used))) * 1.02;
      let fits = this.used;
      let sum = 0;
      for (const b of this.pack.blocks.slice(this.used, n - 1)) {
        if ((sum + b.tokens) * ratio > allowed) break;
        sum += b.tokens;
        fits++;
      }
      n = fits;
    }
    return false;
  }

  /**
   * Warms block groups in the background until every block is warm, `stop()` is called, or a
   * step does not complete (a generation took the backend, or it failed: a debug note).
   * `conversation` gives the messages after the first user message, as they are now.
   */
  start(backend: Backend, system: ChatMessage, conversation: () => readonly ChatMessage[]): void {
    const warm = backend.warm?.bind(backend);
    if (warm === undefined || this.running !== undefined || this.warm >= this.pack.blocks.length) return;
    const abort = new AbortController();
    this.abort = abort;
    this.running = (async () => {
      try {
        while (this.warm < this.pack.blocks.length && !abort.signal.aborted) {
          const after = conversation();
          // Each step prefills the conversation after the blocks again: steps at least twice its size.
          const goal = Math.max(WARM_STEP_TOKENS, 2 * after.reduce((n, m) => n + estimateTokens(m.content), estimateTokens(this.tail)));
          let end = this.warm;
          let tokens = 0;
          while (end < this.pack.blocks.length && tokens < goal) tokens += this.pack.blocks[end++]?.tokens ?? 0;
          const messages = [system, this.headWith(end), ...after];
          const result = await warm({ messages, signal: abort.signal });
          if (!result.complete) {
            this.warm = this.coveredBlocks(messages, result, end);
            break;
          }
          this.warm = end;
        }
      } catch (err) {
        debugNote("warming stopped", err);
      } finally {
        this.running = undefined;
        this.abort = undefined;
      }
    })();
  }

  /**
   * Blocks a stopped step got through: its prompt replaced the conversation after the blocks
   * already warm, so the ones it cached in full are worth taking in. Block ends are placed on
   * estimates scaled to the step's prompt tokens; one placed wrong costs the next turn a little
   * prefill, never a wrong prompt.
   */
  private coveredBlocks(messages: readonly ChatMessage[], result: WarmResult, end: number): number {
    const estimated = messages.reduce((n, m) => n + estimateTokens(m.content), 0);
    if (result.cachedTokens <= 0 || result.promptTokens <= 0 || estimated <= 0) return this.warm;
    const scale = result.promptTokens / estimated;
    let at = estimateTokens(messages[0]?.content ?? "") + estimateTokens(this.nowText) + this.tokensOf(this.warm);
    let covered = this.warm;
    for (const b of this.pack.blocks.slice(this.warm, end)) {
      at += b.tokens;
      if (at * scale > result.cachedTokens) break;
      covered++;
    }
    return covered;
  }

  /** Waits for warming to end by itself (every block warm, or a step stopped). */
  async settled(): Promise<void> {
    await this.running;
  }

  /** Stops warming (within one prefill chunk) and waits for it. */
  async stop(): Promise<void> {
    this.abort?.abort();
    await this.running;
  }
}
