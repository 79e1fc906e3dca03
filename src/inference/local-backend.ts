import type { Backend, BackendInfo, GenerateChunk, GenerateRequest, WarmRequest, WarmResult } from "./backend.js";
import { chatPromptTokens, openPromptTokens } from "./chat-format.js";
import type { LocalEngine } from "./engine.js";
import { ForcedReplies } from "./forced-reply.js";
import { debugNote } from "../debug-note.js";

/** The in-process engine behind the Backend interface. */
export class LocalBackend implements Backend {
  readonly info: BackendInfo;
  private readonly forced: ForcedReplies | undefined;
  private readonly closing = new AbortController();
  private readonly warms = new Set<Promise<WarmResult>>();

  constructor(
    readonly engine: LocalEngine,
    modelName: string,
    env: NodeJS.ProcessEnv = process.env,
    /** KV sequence this backend uses. Default 0. */
    private readonly sequence = 0,
    private readonly onPrefillProgress?: (done: number, total: number) => void,
  ) {
    this.info = { model: modelName, backend: "local", contextSize: engine.plan.contextSize };
    this.forced = ForcedReplies.fromEnv(env);
  }

  async countTokens(text: string): Promise<number> {
    return this.engine.tokenize(text, false).length;
  }

  async *generate(request: GenerateRequest): AsyncGenerator<GenerateChunk, void, undefined> {
    const prompt = chatPromptTokens(this.engine.model, request.messages);
    const forcedText = this.forced?.next();
    // Teacher-forced in the tokens a tokenizer gives the text, as a model would emit them: a grammar
    // would let arbitrary token boundaries through, inflating the count and defeating lookup drafts.
    const target = forcedText !== undefined ? this.engine.tokenize(forcedText, false) : undefined;
    const speculation = request.speculation ?? true;
    const draftSource = !speculation
      ? null
      : request.prediction !== undefined
        ? [...prompt, ...this.engine.tokenize(request.prediction, false)]
        : undefined;
    for await (const event of this.engine.generate({
      prompt,
      maxTokens: request.maxTokens ?? 4096,
      temperature: request.temperature ?? 0,
      grammar: target ? undefined : request.grammar,
      target,
      stop: request.stop,
      draftSource,
      editBlocks: request.editFormat === "search-replace",
      answerKind: request.editFormat,
      signal: request.signal,
      sequence: this.sequence,
      onPrefillProgress: this.onPrefillProgress,
    })) {
      yield event;
    }
  }

  async warm(request: WarmRequest): Promise<WarmResult> {
    let promptTokens = 0;
    const signal = request.signal ? AbortSignal.any([this.closing.signal, request.signal]) : this.closing.signal;
    const run = (async (): Promise<WarmResult> => {
      const prompt = openPromptTokens(this.engine.model, request.messages);
      promptTokens = prompt.length;
      return this.engine.warm({ prompt, sequence: this.sequence, signal });
    })();
    this.warms.add(run);
    try {
      return await run;
    } catch (err) {
      // Warming is a bonus: a failure leaves the next request to prefill what it needs.
      debugNote("warming failed", err);
      return { promptTokens, cachedTokens: 0, complete: false };
    } finally {
      this.warms.delete(run);
    }
  }

  async close(): Promise<void> {
    // A warm stops within a chunk; the engine must outlive it.
    this.closing.abort();
    await Promise.allSettled([...this.warms]);
    await this.engine.dispose();
  }
}
