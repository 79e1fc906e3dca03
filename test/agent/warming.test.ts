/**
 * Background warming of the rest of the repository: the rest comes after the first pack in a
 * fixed order (every warm step's prompt starts with the one before, and with the first answer's),
 * the next turn takes in what is warm, and with the real engine finds it cached.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureFixtureModel } from "../../fixtures/index.js";
import type { AgentEvent, ContextPackedEvent, StatsEvent } from "../../src/agent/events.js";
import { AgentSession } from "../../src/agent/session.js";
import { openLocalBackend, type Backend, type WarmRequest, type WarmResult } from "../../src/inference/index.js";
import { FakeBackend } from "./fake-backend.js";
import { makeRepo } from "./helpers.js";

const filler = (name: string): string =>
  Array.from({ length: 12 }, (_, i) => `export function ${name}${i}(value: number): number { return value * ${i} + 1; }`).join("\n") + "\n";
const files: Record<string, string> = { "src/target.ts": "export const answer = 41;\n" };
for (const n of ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"]) files[`src/${n}.ts`] = filler(n);

/** A scripted backend that warms instantly and records what it was asked to warm. */
class WarmingFake extends FakeBackend {
  readonly warms: WarmRequest[] = [];
  async warm(request: WarmRequest): Promise<WarmResult> {
    this.warms.push({ messages: request.messages.map((m) => ({ ...m })) });
    const tokens = request.messages.reduce((n, m) => n + Buffer.byteLength(m.content), 0);
    return { promptTokens: tokens, cachedTokens: tokens, complete: true };
  }
}

async function drain(gen: AsyncGenerator<AgentEvent, unknown>): Promise<AgentEvent[]> {
  const out: AgentEvent[] = [];
  for await (const ev of gen) out.push(ev);
  return out;
}

const packedOf = (events: AgentEvent[]): ContextPackedEvent | undefined => events.find((e): e is ContextPackedEvent => e.type === "context.packed");

describe("warming the rest of the repository", () => {
  it("keeps the prefix order: the first pack, then rest blocks in a fixed order; the next turn takes in the warm ones", async () => {
    const root = makeRepo(files);
    const backend = new WarmingFake({ replies: ["Nothing to change.\n", "Still nothing.\n"], contextSize: 32768 });
    const session = new AgentSession({ backend, root, warmRest: true, firstAnswerSeconds: 1 });
    const first = packedOf(await drain(session.turn("what does alpha3 do?")));
    expect(first?.packed?.rest).toMatchObject({ warming: true });
    expect(first?.packed?.rest.files).toBeGreaterThan(2);
    const firstUser = backend.requests[0]?.messages[1]?.content ?? "";
    const nowText = firstUser.slice(0, firstUser.lastIndexOf("# Task"));
    expect(nowText.length).toBeGreaterThan(0);

    session.warm();
    await session.warmed();
    expect(backend.warms.length).toBeGreaterThan(0);
    let previous = nowText;
    for (const w of backend.warms) {
      const repo = w.messages[1]?.content ?? "";
      // Each step's repository text starts with the previous step's: what is warm stays a prefix.
      expect(repo.startsWith(previous)).toBe(true);
      expect(w.messages[0]?.content).toBe(backend.requests[0]?.messages[0]?.content);
      previous = repo.slice(0, repo.lastIndexOf("# Task"));
    }
    const last = backend.warms[backend.warms.length - 1];

    const second = packedOf(await drain(session.turn("and beta2?")));
    const req = backend.requests[1];
    // The next prompt is the warmed one plus the new message.
    expect(req?.messages.slice(0, -1)).toEqual(last?.messages);
    expect(second?.packed?.now.files).toBe((first?.packed?.now.files ?? 0) + (first?.packed?.rest.files ?? 0));
    expect(second?.packed?.rest).toMatchObject({ warming: false, files: 0, tokens: 0 });
    expect(second?.cachedTokens).toBeGreaterThan(previous.length);
  });

  it("a step stopped midway still counts the blocks it cached in full", async () => {
    const root = makeRepo(files);
    const backend = new WarmingFake({ replies: ["Nothing to change.\n", "Still nothing.\n"], contextSize: 32768 });
    // The first (and only) step gets half-way through its prompt, as when a turn comes.
    backend.warm = async (request: WarmRequest): Promise<WarmResult> => {
      backend.warms.push(request);
      const tokens = request.messages.reduce((n, m) => n + Buffer.byteLength(m.content), 0);
      return { promptTokens: tokens, cachedTokens: Math.floor(tokens / 2), complete: false };
    };
    const session = new AgentSession({ backend, root, warmRest: true, firstAnswerSeconds: 1 });
    const first = packedOf(await drain(session.turn("what does alpha3 do?")));
    session.warm();
    await session.warmed();
    expect(backend.warms).toHaveLength(1);
    const second = packedOf(await drain(session.turn("and beta2?")));
    const taken = (second?.packed?.now.files ?? 0) - (first?.packed?.now.files ?? 0);
    expect(taken).toBeGreaterThan(0);
    expect(taken).toBeLessThan(first?.packed?.rest.files ?? 0);
    const head = backend.requests[1]?.messages[1]?.content ?? "";
    const warmed = backend.warms[0]?.messages[1]?.content ?? "";
    // What was taken in is a prefix of what the stopped step warmed.
    expect(warmed.startsWith(head.slice(0, head.lastIndexOf("# Task")))).toBe(true);
  });

  it("without warmRest, nothing is kept or warmed", async () => {
    const root = makeRepo(files);
    const backend = new WarmingFake({ replies: ["ok\n"], contextSize: 32768 });
    const session = new AgentSession({ backend, root, firstAnswerSeconds: 1 });
    const first = packedOf(await drain(session.turn("what does alpha3 do?")));
    expect(first?.packed?.rest).toMatchObject({ warming: false, files: 0, tokens: 0 });
    session.warm();
    await session.warmed();
    expect(backend.warms).toHaveLength(0);
  });
});

describe("warming with the real engine", () => {
  let backend: Backend;
  beforeAll(async () => {
    const replies = mkdtempSync(path.join(os.tmpdir(), "spark-replies-"));
    const one = path.join(replies, "1.txt");
    const two = path.join(replies, "2.txt");
    writeFileSync(one, "Nothing to change.\n");
    writeFileSync(two, "It is fine.\n");
    const env = { ...process.env, XDG_CACHE_HOME: mkdtempSync(path.join(os.tmpdir(), "spark-xdg-")), SPARK_FORCED_REPLY: `${one}${path.delimiter}${two}` };
    backend = await openLocalBackend({ modelPath: ensureFixtureModel("successor"), threads: 1, contextSize: 16384, env });
  });
  afterAll(async () => {
    await backend?.close();
  });

  it("after warming, the next turn's prompt has the rest and finds it cached (stats.cachedTokens)", async () => {
    const root = makeRepo(files);
    const session = new AgentSession({ backend, root, warmRest: true, firstAnswerSeconds: 1 });
    const turn1 = await drain(session.turn("what does alpha3 do?"));
    const s1 = turn1.find((e): e is StatsEvent => e.type === "stats");
    session.warm();
    await session.warmed();
    const turn2 = await drain(session.turn("and beta2?"));
    const packed = packedOf(turn2);
    const s2 = turn2.find((e): e is StatsEvent => e.type === "stats");
    expect(packed?.packed?.now.files).toBeGreaterThan(packedOf(turn1)?.packed?.now.files ?? Infinity);
    expect(s2?.promptTokens).toBeGreaterThan((s1?.promptTokens ?? Infinity) + 3000);
    const ratio = (s2?.cachedTokens ?? 0) / (s2?.promptTokens ?? 1);
    console.log(`turn 2 after warming: ${s2?.cachedTokens}/${s2?.promptTokens} prompt tokens cached (${(ratio * 100).toFixed(1)}%); turn 1 prompt ${s1?.promptTokens}`);
    expect(ratio).toBeGreaterThanOrEqual(0.95);
  });
});
