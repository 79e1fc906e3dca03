import { describe, expect, it } from "vitest";
import { RateMeter } from "../../src/tui/rate-meter.js";
import { initialState, reduce } from "../../src/tui/state/reducer.js";
import { createStore, type FrameTimer } from "../../src/tui/store.js";

/** A timer the test fires by hand. */
function manualTimer(): FrameTimer & { fire(): void; pending(): number } {
  const queue = new Map<number, () => void>();
  let n = 0;
  return {
    set: (fn) => {
      queue.set(++n, fn);
      return n;
    },
    clear: (h) => void queue.delete(h as number),
    fire: () => {
      const fns = [...queue.values()];
      queue.clear();
      for (const fn of fns) fn();
    },
    pending: () => queue.size,
  };
}

describe("store", () => {
  it("batches streamed text into one notification per frame; other actions notify at once", () => {
    const timer = manualTimer();
    const store = createStore(reduce, initialState("/r"), { timer, frameMs: 33 });
    let notified = 0;
    store.subscribe(() => notified++);
    store.dispatch({ type: "ui.turn.start", task: "t", at: 0 });
    expect(notified).toBe(1);
    for (let i = 0; i < 100; i++) store.dispatch({ type: "model.delta", text: "x" });
    expect(notified).toBe(1);
    expect(timer.pending()).toBe(1);
    expect(store.getState().live?.text).toBe("x".repeat(100));
    timer.fire();
    expect(notified).toBe(2);
    store.dispatch({ type: "model.delta", text: "y" });
    store.dispatch({ type: "ui.hint", text: "now" });
    expect(notified).toBe(3);
    expect(timer.pending()).toBe(0);
  });

  it("flush delivers a pending frame; an action that changes nothing notifies nobody", () => {
    const timer = manualTimer();
    const store = createStore(reduce, initialState("/r"), { timer });
    let notified = 0;
    const off = store.subscribe(() => notified++);
    store.dispatch({ type: "session.end", status: "ok", exitCode: 0 });
    expect(notified).toBe(0);
    store.dispatch({ type: "ui.rate", tokensPerSecond: 5 });
    store.flush();
    expect(notified).toBe(1);
    off();
    store.dispatch({ type: "ui.hint", text: "x" });
    expect(notified).toBe(1);
  });
});

describe("frame pacing", () => {
  it("spaces streamed frames by their cost over the budget, within bounds", async () => {
    const timer = manualTimer();
    let clock = 0;
    let frameCost = 10;
    const store = createStore(reduce, initialState("/r"), { timer, now: () => clock, frameMs: 33, maxFrameMs: 400, budget: 0.05 });
    store.subscribe(() => (clock += frameCost));
    store.dispatch({ type: "ui.turn.start", task: "t", at: 0 });
    expect(store.frameInterval()).toBe(33);
    store.dispatch({ type: "model.delta", text: "a" });
    timer.fire();
    await Promise.resolve();
    // 10 ms per frame at a 5% budget: one frame per 200 ms.
    expect(store.frameInterval()).toBe(200);
    frameCost = 100;
    store.dispatch({ type: "model.delta", text: "b" });
    timer.fire();
    await Promise.resolve();
    expect(store.frameInterval()).toBe(400);
    frameCost = 0;
    for (let i = 0; i < 20; i++) {
      store.dispatch({ type: "model.delta", text: "c" });
      timer.fire();
      await Promise.resolve();
    }
    expect(store.frameInterval()).toBe(33);
  });
});

describe("rate meter", () => {
  it("counts tokens at most once per interval and reports tokens after the first per second", async () => {
    let now = 0;
    const counted: string[] = [];
    const rates: number[] = [];
    const meter = new RateMeter({
      count: async (t) => {
        counted.push(t);
        return t.length;
      },
      onRate: (r) => rates.push(r),
      now: () => now,
      intervalMs: 250,
    });
    meter.push("ab");
    now = 100;
    meter.push("cd");
    expect(counted).toEqual([]);
    now = 500;
    meter.push("efghijk");
    await Promise.resolve();
    expect(counted).toEqual(["abcdefghijk"]);
    // 11 tokens, 10 after the first, in 0.5 s.
    expect(rates).toEqual([20]);
    meter.reset();
    now = 10_000;
    meter.push("x");
    now = 10_100;
    meter.push("y");
    expect(counted).toHaveLength(1);
  });

  it("drops a reading that finishes after the round ended", async () => {
    let release: (n: number) => void = () => undefined;
    const rates: number[] = [];
    let now = 0;
    const meter = new RateMeter({ count: () => new Promise<number>((r) => (release = r)), onRate: (r) => rates.push(r), now: () => now });
    meter.push("a");
    now = 1000;
    meter.push("bcd");
    meter.reset();
    release(4);
    await Promise.resolve();
    await Promise.resolve();
    expect(rates).toEqual([]);
  });
});
