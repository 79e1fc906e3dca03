/**
 * Which KV sequence serves a request. Each sequence keeps the prefix of its last request, so
 * routing a client back to "its" sequence turns its repo prefix into cached tokens, and a client
 * on another repo goes to another sequence instead of evicting it.
 */

/** What the router knows of one sequence. */
export interface SequenceView {
  /** Tokens it holds (or will hold once its running request is done). */
  held: readonly number[];
  /** Logical time of its last assignment; 0 = never used. */
  lastUsed: number;
  /** Running or queued work. */
  busy: boolean;
  /** Sticky key (`user` / `X-Spark-Session`) of the client it belongs to. */
  owner: string | undefined;
  /** The prompt of the last request routed to it, when known (what it holds beyond is that request's answer). */
  lastPrompt?: readonly number[];
}

/** Where a request goes and why (for the request log). */
export interface RouteDecision {
  index: number;
  /** sticky: its key's sequence; prefix: shares a prefix; free: empty; evict: least recently used. */
  reason: "sticky" | "prefix" | "free" | "evict";
  /** Prompt tokens the sequence already holds. */
  shared: number;
}

/** Length of the common prefix of `a` and `b`. */
export function sharedPrefix(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

/**
 * The policy, pure:
 * 1. a sticky key goes to the sequence it owns;
 * 2. else the longest shared prefix wins, if reusing it keeps at least half of that sequence's
 *    last prompt (a common system prompt alone must not pull a new repo onto someone else's cache;
 *    the answer it holds after that prompt does not count: a repeated prompt with a long answer
 *    found no sequence that kept half and was prefilled from scratch every time);
 * 3. else an empty sequence;
 * 4. else the least recently used idle one (then any), whose cache is given up.
 */
export function chooseSequence(prompt: readonly number[], views: readonly SequenceView[], key?: string): RouteDecision {
  if (views.length === 0) throw new Error("no sequences");
  if (key !== undefined) {
    const owned = views.findIndex((v) => v.owner === key);
    if (owned >= 0) return { index: owned, reason: "sticky", shared: sharedPrefix(prompt, views[owned]?.held ?? []) };
  }
  let best: RouteDecision | undefined;
  views.forEach((v, index) => {
    const shared = sharedPrefix(prompt, v.held);
    const worth = Math.min(v.held.length, v.lastPrompt?.length ?? v.held.length);
    if (shared === 0 || shared * 2 < worth) return;
    const current = best && views[best.index];
    const better =
      !best || !current || shared > best.shared || (shared === best.shared && (current.busy && !v.busy || (current.busy === v.busy && v.lastUsed > current.lastUsed)));
    if (better) best = { index, reason: "prefix", shared };
  });
  if (best) return best;
  const empty = views.findIndex((v) => v.held.length === 0 && !v.busy && v.lastUsed === 0);
  if (empty >= 0) return { index: empty, reason: "free", shared: 0 };
  let lru = 0;
  views.forEach((v, index) => {
    const cur = views[lru];
    if (cur && (cur.busy && !v.busy || (cur.busy === v.busy && v.lastUsed < cur.lastUsed))) lru = index;
  });
  return { index: lru, reason: "evict", shared: 0 };
}

/** The router's state over time: last use, owners, and what busy sequences are about to hold. */
export class SequenceRouter {
  private clock = 0;
  private readonly lastUsed: number[];
  private readonly owners: (string | undefined)[];
  private readonly expected: (readonly number[])[];

  constructor(
    readonly count: number,
    /** Tokens an idle sequence holds (the engine's view). */
    private readonly heldTokens: (index: number) => readonly number[],
    private readonly isBusy: (index: number) => boolean,
  ) {
    this.lastUsed = Array.from({ length: count }, () => 0);
    this.owners = Array.from({ length: count }, () => undefined);
    this.expected = Array.from({ length: count }, () => []);
  }

  /** Picks a sequence for `prompt` and records the assignment. */
  route(prompt: readonly number[], key?: string): RouteDecision {
    const views: SequenceView[] = this.lastUsed.map((lastUsed, i) => {
      const busy = this.isBusy(i);
      return { held: busy ? (this.expected[i] ?? []) : this.heldTokens(i), lastUsed, busy, owner: this.owners[i], lastPrompt: this.lastUsed[i] ? this.expected[i] : undefined };
    });
    const decision = chooseSequence(prompt, views, key);
    const i = decision.index;
    this.lastUsed[i] = ++this.clock;
    this.expected[i] = prompt;
    if (decision.reason === "evict" || decision.reason === "free") this.owners[i] = undefined;
    if (key !== undefined) {
      // One owner per key: a key that moved gives up its old sequence.
      this.owners.forEach((o, j) => {
        if (o === key) this.owners[j] = undefined;
      });
      this.owners[i] = key;
    }
    return decision;
  }
}
