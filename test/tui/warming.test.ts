/** The TUI warms the rest of the repository when idle after a turn; the next turn takes it in. */
import { afterEach, describe, expect, it } from "vitest";
import type { WarmRequest, WarmResult } from "../../src/inference/index.js";
import { harness } from "./controller-harness.js";
import { makeRepo, ScriptedBackend, waitFor } from "./helpers.js";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

class WarmingBackend extends ScriptedBackend {
  readonly warms: WarmRequest[] = [];
  async warm(request: WarmRequest): Promise<WarmResult> {
    this.warms.push({ messages: request.messages.map((m) => ({ ...m })) });
    return { promptTokens: 1, cachedTokens: 1, complete: true };
  }
}

describe("TUI warming", () => {
  it("prefills the rest when idle after a turn; the next turn's prompt is the warmed one plus the task", async () => {
    const files: Record<string, string> = {};
    for (const n of ["alpha", "beta", "gamma", "delta", "epsilon"]) {
      files[`src/${n}.ts`] = Array.from({ length: 20 }, (_, i) => `export function ${n}${i}(v: number): number { return v * ${i}; }`).join("\n") + "\n";
    }
    const r = makeRepo(files);
    cleanups.push(r.cleanup);
    const backend = new WarmingBackend({ replies: ["Nothing to change.\n"] });
    const h = harness(r.dir, { backend, mode: "full", agent: { firstAnswerSeconds: 1 } });
    await h.c.start();
    h.c.submit("what does alpha3 do?");
    await h.c.idle;
    await waitFor(() => backend.warms.length > 0, "warming after the turn");
    h.c.submit("and beta2?");
    await h.c.idle;
    const last = backend.warms[backend.warms.length - 1];
    expect(backend.requests[1]?.messages.slice(0, -1)).toEqual(last?.messages);
    expect(backend.requests[1]?.messages[1]?.content.length).toBeGreaterThan(backend.requests[0]?.messages[1]?.content.length ?? Infinity);
  });
});
