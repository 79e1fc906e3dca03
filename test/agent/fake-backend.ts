import { emptyStats, type Backend, type BackendInfo, type GenerateChunk, type GenerateRequest } from "../../src/inference/index.js";

/** Options of the in-memory backend. */
export interface FakeBackendOptions {
  /** The n-th generation streams the n-th reply (the last repeats). */
  replies: string[];
  contextSize?: number;
  /** Characters per streamed chunk. Default 7. */
  chunk?: number;
  /** Awaited after the first chunk of every generation (lets a test act mid-stream). */
  afterFirstChunk?: () => Promise<void>;
}

/** An in-memory Backend: scripted replies, one token per byte. */
export class FakeBackend implements Backend {
  readonly info: BackendInfo;
  readonly requests: GenerateRequest[] = [];
  private n = 0;

  constructor(private readonly opts: FakeBackendOptions) {
    this.info = { model: "fake", backend: "local", contextSize: opts.contextSize ?? 32768 };
  }

  async countTokens(text: string): Promise<number> {
    return Buffer.byteLength(text);
  }

  async *generate(request: GenerateRequest): AsyncGenerator<GenerateChunk, void, undefined> {
    this.requests.push({ ...request, messages: request.messages.map((m) => ({ ...m })) });
    const reply = this.opts.replies[Math.min(this.n, this.opts.replies.length - 1)] ?? "";
    this.n++;
    const size = this.opts.chunk ?? 7;
    for (let i = 0; i < reply.length; i += size) {
      if (request.signal?.aborted) throw Object.assign(new Error("aborted"), { name: "AbortError" });
      yield { type: "text", text: reply.slice(i, i + size) };
      if (i === 0) await this.opts.afterFirstChunk?.();
    }
    if (request.signal?.aborted) throw Object.assign(new Error("aborted"), { name: "AbortError" });
    const prompt = request.messages.reduce((n, m) => n + Buffer.byteLength(m.content), 0);
    yield { type: "stats", stats: { ...emptyStats(), promptTokens: prompt, outputTokens: Buffer.byteLength(reply), decodeTps: 100 } };
  }

  async close(): Promise<void> {}
}
