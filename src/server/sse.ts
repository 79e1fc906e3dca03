import type { ServerResponse } from "node:http";

/**
 * Server-sent events as OpenAI streams them (`data: {json}\n\n`, then `data: [DONE]`). Honours
 * backpressure: a client that stops reading pauses its own generation instead of filling memory.
 */
export class SseWriter {
  constructor(private readonly res: ServerResponse) {}

  /** Sends the 200 and the stream headers now, so the client knows it was admitted. */
  open(): void {
    this.res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    this.res.flushHeaders();
  }

  get closed(): boolean {
    return this.res.destroyed || this.res.writableEnded;
  }

  /** One event; resolves once the socket can take more (or is gone). */
  async send(data: unknown): Promise<void> {
    if (this.closed) return;
    if (this.res.write(`data: ${JSON.stringify(data)}\n\n`)) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.res.off("drain", done);
        this.res.off("close", done);
        resolve();
      };
      this.res.on("drain", done);
      this.res.on("close", done);
    });
  }

  /** Ends the stream with `data: [DONE]`. */
  done(): void {
    if (!this.closed) this.res.end("data: [DONE]\n\n");
  }

  /** Ends the stream with an error event (the OpenAI client raises it as an APIError). */
  fail(error: unknown): void {
    if (this.closed) return;
    this.res.end(`data: ${JSON.stringify(error)}\n\n`);
  }
}
