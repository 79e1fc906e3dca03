import type { ServerResponse } from "node:http";

/** Default quiet time before a comment line keeps the stream alive: 15 s. */
export const SSE_HEARTBEAT_MS = 15_000;

/**
 * Server-sent events as OpenAI streams them (`data: {json}\n\n`, then `data: [DONE]`). Honours
 * backpressure: a client that stops reading pauses its own generation instead of filling memory.
 *
 * A long prefill on a CPU can keep a stream silent for minutes, and clients give up on a silent
 * body (Node's fetch after 300 s: "terminated"); a comment line (`: ping`), which SSE readers
 * skip, goes out whenever nothing else did for `heartbeatMs`.
 */
export class SseWriter {
  private heartbeat: NodeJS.Timeout | undefined;
  private lastWrite = 0;

  constructor(
    private readonly res: ServerResponse,
    /** Quiet time before a `: ping` comment. Default SSE_HEARTBEAT_MS. */
    private readonly heartbeatMs = SSE_HEARTBEAT_MS,
  ) {}

  /** Sends the 200 and the stream headers now, so the client knows it was admitted. */
  open(): void {
    this.res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    this.res.flushHeaders();
    this.lastWrite = Date.now();
    this.heartbeat = setInterval(() => this.ping(), Math.max(1, Math.floor(this.heartbeatMs / 2)));
    this.heartbeat.unref();
    this.res.once("close", () => this.stopHeartbeat());
  }

  private ping(): void {
    if (this.closed) return this.stopHeartbeat();
    if (Date.now() - this.lastWrite < this.heartbeatMs) return;
    this.lastWrite = Date.now();
    this.res.write(": ping\n\n");
  }

  private stopHeartbeat(): void {
    if (this.heartbeat !== undefined) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  get closed(): boolean {
    return this.res.destroyed || this.res.writableEnded;
  }

  /** One event; resolves once the socket can take more (or is gone). */
  async send(data: unknown): Promise<void> {
    if (this.closed) return;
    this.lastWrite = Date.now();
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
    this.stopHeartbeat();
    if (!this.closed) this.res.end("data: [DONE]\n\n");
  }

  /** Ends the stream with an error event (the OpenAI client raises it as an APIError). */
  fail(error: unknown): void {
    this.stopHeartbeat();
    if (this.closed) return;
    this.res.end(`data: ${JSON.stringify(error)}\n\n`);
  }
}
