import { describe, expect, it } from "vitest";
import { QueueFullError, SequenceGate } from "../../src/server/sequence-gate.js";

describe("SequenceGate", () => {
  it("grants a free sequence at once and queues behind a busy one, first come first served", async () => {
    const gate = new SequenceGate(2, 4);
    const a = gate.enter(0);
    const b = gate.enter(0);
    const c = gate.enter(0);
    const other = gate.enter(1);
    await a.ready();
    await other.ready();
    expect(gate.waiting).toBe(2);
    expect(gate.running).toBe(2);
    const order: string[] = [];
    const pb = b.ready().then(() => order.push("b"));
    const pc = c.ready().then(() => order.push("c"));
    a.leave();
    await pb;
    expect(order).toEqual(["b"]);
    b.leave();
    await pc;
    expect(order).toEqual(["b", "c"]);
    c.leave();
    other.leave();
    expect(gate.running).toBe(0);
    expect(gate.busy(0)).toBe(false);
  });

  it("refuses a waiter beyond maxWaiting; queue 0 means nobody waits", () => {
    const gate = new SequenceGate(1, 0);
    const a = gate.enter(0);
    expect(() => gate.enter(0)).toThrow(QueueFullError);
    a.leave();
    expect(() => gate.enter(0).leave()).not.toThrow();
  });

  it("a waiter whose signal fires leaves the queue and frees its place", async () => {
    const gate = new SequenceGate(1, 1);
    const a = gate.enter(0);
    const b = gate.enter(0);
    const controller = new AbortController();
    const waiting = b.ready(controller.signal);
    expect(() => gate.enter(0)).toThrow(QueueFullError);
    controller.abort(new Error("client disconnected"));
    await expect(waiting).rejects.toMatchObject({ name: "AbortError", message: "client disconnected" });
    expect(gate.waiting).toBe(0);
    const c = gate.enter(0);
    a.leave();
    await c.ready();
    c.leave();
    b.leave(); // idempotent after leaving
    expect(gate.running).toBe(0);
  });
});
