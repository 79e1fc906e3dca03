/**
 * Prefix-cache reuse through the real engine (successor fixture, replies forced by grammar): after
 * an edit, the next request's prompt must come ≥ 95% from the KV cache, both when the
 * conversation continues and when a new one packs the repo again (the edited target is last).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureFixtureModel } from "../../fixtures/index.js";
import type { AgentEvent, StatsEvent } from "../../src/agent/events.js";
import { AgentSession } from "../../src/agent/session.js";
import { openLocalBackend, type Backend } from "../../src/inference/index.js";
import { makeRepo } from "./helpers.js";

let backend: Backend;
let root: string;

beforeAll(async () => {
  const filler = (name: string): string =>
    Array.from({ length: 10 }, (_, i) => `export function ${name}${i}(value: number): number { return value + ${i}; }`).join("\n") + "\n";
  root = makeRepo({ "src/a.ts": filler("alpha"), "src/b.ts": filler("beta"), "src/target.ts": "export const answer = 41;\n" });
  const replies = mkdtempSync(path.join(os.tmpdir(), "spark-replies-"));
  const one = path.join(replies, "1.txt");
  const two = path.join(replies, "2.txt");
  writeFileSync(one, "Fixing the answer.\n\nsrc/target.ts\n```\nexport const answer = 42;\n```\n");
  writeFileSync(two, "It is 42 now.\n");
  const env = { ...process.env, XDG_CACHE_HOME: mkdtempSync(path.join(os.tmpdir(), "spark-xdg-")), SPARK_FORCED_REPLY: `${one}${path.delimiter}${two}` };
  backend = await openLocalBackend({ modelPath: ensureFixtureModel("successor"), threads: 1, env });
});

afterAll(async () => {
  await backend?.close();
});

async function statsOf(gen: AsyncGenerator<AgentEvent, unknown>): Promise<StatsEvent[]> {
  const stats: StatsEvent[] = [];
  for await (const ev of gen) if (ev.type === "stats") stats.push(ev);
  return stats;
}

describe("prefix reuse", () => {
  it("reuses ≥ 95% of the prompt on the second turn after an edit", async () => {
    const session = new AgentSession({ backend, root, targets: ["src/target.ts"] });
    const first = await statsOf(session.turn("make the answer 42"));
    expect(first).toHaveLength(1);
    const followUp = await statsOf(session.turn("is it right now?"));
    const s = followUp[0];
    expect(s?.promptTokens).toBeGreaterThan(3000);
    const ratio = (s?.cachedTokens ?? 0) / (s?.promptTokens ?? 1);
    console.log(`follow-up turn: ${s?.cachedTokens}/${s?.promptTokens} prompt tokens reused (${(ratio * 100).toFixed(1)}%)`);
    expect(ratio).toBeGreaterThanOrEqual(0.95);

    // A new conversation packs the repo again: everything before the edited target is unchanged.
    const fresh = new AgentSession({ backend, root, targets: ["src/target.ts"] });
    const again = await statsOf(fresh.turn("is it right now?"));
    const f = again[0];
    const freshRatio = (f?.cachedTokens ?? 0) / (f?.promptTokens ?? 1);
    console.log(`new conversation after the edit: ${f?.cachedTokens}/${f?.promptTokens} reused (${(freshRatio * 100).toFixed(1)}%)`);
    expect(freshRatio).toBeGreaterThanOrEqual(0.95);
  });
});
