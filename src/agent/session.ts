/**
 * An agent session: one backend, one repository, one conversation. `turn(task)` packs the repo
 * (first turn) or appends to the conversation (later turns and `--continue`), then runs the
 * rounds; it yields the contract's events (docs/events.md) and returns how the turn ended.
 * `runAgent` wraps one turn in `session.start` … `session.end` for the headless commands.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { FormatName } from "../edits/index.js";
import { SparkError, UsageError } from "../errors.js";
import type { Backend, ChatMessage } from "../inference/index.js";
import { asInterrupted } from "./abort.js";
import { Conversation } from "./conversation.js";
import { defaultEffects, type AgentEffects } from "./effects.js";
import type { AgentEvent, SessionStatus } from "./events.js";
import { formatForReply } from "./format-choice.js";
import { fileUpdates } from "./file-updates.js";
import { estimateTokens, packContext, packRest, type FilterOptions, type PackedContext } from "../context/index.js";
import type { PackedSplit } from "./events.js";
import { firstAnswerBudget, FIRST_ANSWER_PREFILL_SECONDS, measuredPrefillTps, recordPrefill } from "./first-budget.js";
import { firstMessages, SYSTEM_PROMPT, taskText } from "./prompt.js";
import { RestWarming } from "./rest-warming.js";
import { contextFull, runRounds, type ApproveCommand, type Decide, type TurnOutcome } from "./turn.js";
import { defaultOutputReserve } from "./output-reserve.js";

/** Options of an agent session. Defaults suit `spark run`. */
export interface AgentOptions {
  backend: Backend;
  /** Repository root (absolute). */
  root: string;
  /** Shown in `session.start`. Default: root. */
  cwd?: string;
  /** Repo-relative files the task is about; with `anyFile` false they are also the edit scope. Default none. */
  targets?: readonly string[];
  /** Allow edits outside `targets`. Default false (ignored without targets: then any file may change). */
  anyFile?: boolean;
  /** `--test CMD`: run after edits, feed failures back. Default none. */
  testCommand?: string;
  /** Approval hook, asked once per reply that would change files. Default: always apply. */
  decide?: Decide;
  /** Asked before each run of the test command. Default: always run. */
  approveCommand?: ApproveCommand;
  /** Every turn is a question (`spark run --ask`): no edit format asked for, nothing applied. Default false. */
  ask?: boolean;
  /** Cancels everything; a cancelled turn applies nothing partial and ends "interrupted". */
  signal?: AbortSignal;
  /** Spark's cache folder (token facts, conversations). Default: none (nothing persisted). */
  cacheDir?: string;
  /** Resume this repo's last conversation (`--continue`). Default false. */
  continueLast?: boolean;
  /** Resume this conversation of the repo (`--resume ID`; a unique prefix will do). Default none. */
  resume?: string;
  /** Tokens kept free for the reply. Default: context/8, between 1024 and 16384. */
  outputReserve?: number;
  /** Feedback rounds for edits that fail to match, parse or stay in scope. Default 3. */
  maxEditRetries?: number;
  /** Feedback rounds for a failing `--test`. Default 3. */
  maxTestRounds?: number;
  /** Constrain output with the format's grammar (backends that cannot, ignore it). Default true. */
  grammar?: boolean;
  /** Packer filters (size cap, generated files). */
  filters?: FilterOptions;
  /**
   * Seconds of prefill the first answer may wait for: the repository budget follows this
   * machine's measured prefill speed (src/agent/first-budget.ts); 0 packs the whole context
   * budget. Default 15.
   */
  firstAnswerSeconds?: number;
  /**
   * Keep the rest of the repository (what the first answer left out) for `warm()`, which
   * prefills it in the background between turns; later turns take in what is warm. Default
   * false (headless commands end after one turn).
   */
  warmRest?: boolean;
  /** Side effects, for tests. Default: real edits, git checkpoints, execa. */
  effects?: Partial<AgentEffects>;
}

/** Per-turn settings (the TUI changes them between turns). */
export interface TurnOptions {
  /** Cancels this turn only. Default: the session's signal. */
  signal?: AbortSignal;
  /** `--test` / `/test` for this turn; an explicit undefined turns it off. Default: the session's. */
  testCommand?: string | undefined;
  /** This turn is a question (`/ask`): no edit format asked for, nothing applied. Default: the session's `ask`. */
  ask?: boolean;
  /**
   * Repo-relative files in focus this turn (`@path`, /add): packed in full on a fresh
   * conversation, shown whole before the task when the model has not seen them. Default none.
   */
  focus?: readonly string[];
  /** What the person typed, for listings (`--resume`). Default: the task. */
  label?: string;
}


/** Tokens a chat template adds around each message (role markers), generously. */
const PER_MESSAGE_MARGIN = 8;
/** Least room left for a reply before the conversation counts as full. */
const MIN_REPLY_TOKENS = 256;
/** Least budget worth warming the rest of the repository into. */
const MIN_REST_BUDGET = 1024;

export { defaultOutputReserve };

interface Prepared {
  format: FormatName;
  files: number;
  budget: number;
  prediction: string | undefined;
  packed?: PackedSplit;
}

/** One session (keeps the conversation between turns). */
export class AgentSession {
  private readonly conv: Conversation;
  private readonly counts = new WeakMap<ChatMessage, number>();
  private readonly effects: AgentEffects;
  private loaded = false;
  /** The rest of the repository and how much is warm (sessions with `warmRest`). */
  private rest: RestWarming | undefined;
  /** The first answer's split, which later turns that take in warm files extend. */
  private split: PackedSplit | undefined;

  constructor(private readonly opts: AgentOptions) {
    this.effects = { ...defaultEffects, ...opts.effects };
    const scope = opts.targets && opts.targets.length > 0 && !opts.anyFile ? [...opts.targets] : undefined;
    this.conv = new Conversation({ cacheDir: opts.cacheDir, root: opts.root, model: opts.backend.info.model }, scope);
  }

  get backend(): Backend {
    return this.opts.backend;
  }

  /** The stored conversation's id (`spark --resume ID`). */
  get conversationId(): string {
    return this.conv.conversationId;
  }

  /** Turns begun by this session object (the index the next turn gets). */
  get turnCount(): number {
    return this.conv.turnCount;
  }

  /**
   * Forgets turn `index` (of this session object) and every turn after it: the conversation is
   * as it was before that turn (a fresh pack if the turn started one, or if the conversation was
   * packed again since). Files are the caller's (checkpoints).
   */
  async rewind(index: number): Promise<void> {
    this.conv.rewind(index);
    await this.conv.save();
  }

  /**
   * Prefills, in the background, the rest of the repository that the first answer left out
   * (sessions with `warmRest`, backends that warm); returns at once. The next turn stops it
   * within one prefill chunk and takes in what got warm. Never throws.
   */
  warm(): void {
    const rest = this.rest;
    const messages = this.conv.messages;
    const system = messages?.[0];
    if (rest === undefined || system === undefined || messages?.[1] !== rest.head) return;
    rest.start(this.opts.backend, system, () => (this.conv.messages ?? []).slice(2));
  }

  /** Stops background warming and waits for it (at most one prefill chunk). */
  async stopWarming(): Promise<void> {
    await this.rest?.stop();
  }

  /** Waits until background warming ends by itself (tests; the TUI never waits). */
  async warmed(): Promise<void> {
    await this.rest?.settled();
  }

  /**
   * Runs one turn for `task`; `perTurn` overrides the session's signal and test command for this
   * turn. Never throws for task, model, repo or interrupt errors: they end the turn.
   */
  async *turn(task: string, perTurn: TurnOptions = {}): AsyncGenerator<AgentEvent, TurnOutcome, undefined> {
    const { backend } = this.opts;
    const conv = this.conv;
    const signal = perTurn.signal ?? this.opts.signal;
    const testCommand = "testCommand" in perTurn ? perTurn.testCommand : this.opts.testCommand;
    const ask = perTurn.ask ?? this.opts.ask ?? false;
    const outcome: TurnOutcome = { status: "ok", exitCode: 0, applied: [], checkpoints: [], stats: [] };
    try {
      if (task.trim().length === 0) throw new UsageError("the task is empty");
      await this.stopWarming();
      await this.loadOnce();
      conv.beginTurn(perTurn.label ?? task);
      const focus = perTurn.focus ?? [];
      const prep = (conv.messages !== undefined ? await this.followUp(task, ask, focus) : undefined) ?? (await this.fresh(task, ask, focus, signal));
      const messages = conv.messages ?? [];
      // Counted after a follow-up took in warm files: what the warmed cache holds.
      const cachedTokens = await this.countAll(messages.slice(0, conv.sent));
      yield { type: "context.packed", files: prep.files, tokens: await this.countAll(messages), budget: prep.budget, cachedTokens, ...(prep.packed ? { packed: prep.packed } : {}) };
      const rounds = runRounds({
        backend,
        root: this.opts.root,
        task,
        messages,
        format: prep.format,
        scope: conv.scope,
        testCommand,
        decide: this.opts.decide ?? (async () => "apply"),
        approveCommand: this.opts.approveCommand ?? (async () => "run"),
        ask,
        effects: this.effects,
        signal,
        maxTokens: (m) => this.roomForReply(m),
        useGrammar: this.opts.grammar ?? true,
        prediction: prep.prediction,
        maxEditRetries: this.opts.maxEditRetries ?? 3,
        maxTestRounds: this.opts.maxTestRounds ?? 3,
        onApplied: (files) => conv.remember(files),
      });
      for (;;) {
        const next = await rounds.next();
        if (next.done) {
          Object.assign(outcome, next.value);
          break;
        }
        // This machine's prefill speed sizes the next first answer (src/agent/first-budget.ts).
        if (next.value.type === "stats") await recordPrefill(this.opts.cacheDir, backend.info.model, next.value).catch(() => undefined);
        yield next.value;
      }
    } catch (err) {
      const e = asInterrupted(err, signal);
      const status: SessionStatus = e instanceof SparkError && e.code === "interrupted" ? "interrupted" : "error";
      outcome.status = status;
      outcome.exitCode = e instanceof SparkError ? e.exitCode : 1;
      outcome.error = { message: e instanceof Error ? e.message : String(e), code: e instanceof SparkError ? e.code : "internal" };
    }
    if (conv.messages !== undefined) conv.sent = conv.messages.length;
    if (outcome.error !== undefined) yield { type: "error", message: outcome.error.message, code: outcome.error.code };
    await conv.save();
    return outcome;
  }

  private async loadOnce(): Promise<void> {
    if (this.loaded) return;
    this.loaded = true;
    await this.conv.load({ continueLast: this.opts.continueLast === true, resume: this.opts.resume, keepScope: this.opts.anyFile !== true });
  }

  /** First turn: pack the repository into a new conversation. */
  private async fresh(task: string, ask: boolean, focus: readonly string[], signal: AbortSignal | undefined): Promise<Prepared> {
    const { backend } = this.opts;
    const scope = this.conv.scope;
    const contextSize = backend.info.contextSize;
    const reserve = this.opts.outputReserve ?? defaultOutputReserve(contextSize);
    const named = this.opts.targets ?? [];
    const targets = [...named, ...focus.filter((f) => !named.includes(f))];
    // Budget with the longest format line, so the real message never exceeds it.
    const fixed =
      (await backend.countTokens(SYSTEM_PROMPT)) +
      (await backend.countTokens(taskText({ task, format: "search-replace", scope, newFiles: targets, ask }))) +
      2 * PER_MESSAGE_MARGIN;
    const contextBudget = contextSize - reserve - fixed;
    if (contextBudget <= 0) throw new UsageError(`the context (${contextSize} tokens) is too small for the prompt and a reply (raise --context)`);
    const seconds = this.opts.firstAnswerSeconds ?? FIRST_ANSWER_PREFILL_SECONDS;
    let budget =
      seconds <= 0
        ? contextBudget
        : firstAnswerBudget({
            contextBudget,
            prefillTps: await measuredPrefillTps(this.opts.cacheDir, backend.info.model),
            fixedTokens: fixed,
            targetTokens: await estimatedTargetTokens(this.opts.root, targets),
            seconds,
          });
    const pack = (b: number): Promise<PackedContext> =>
      packContext({
        ...this.opts.filters,
        root: this.opts.root,
        task,
        targets,
        budget: b,
        countTokens: (t) => backend.countTokens(t),
        tokenizer: backend.info.model,
        ...(this.opts.cacheDir !== undefined ? { cacheDir: path.join(this.opts.cacheDir, "packer") } : {}),
        ...(signal !== undefined ? { signal } : {}),
      });
    let packed: PackedContext;
    for (;;) {
      try {
        packed = await pack(budget);
        break;
      } catch (err) {
        // The targets alone outgrew a latency budget sized on estimates: grow it toward the context's.
        if (!(err instanceof UsageError) || budget >= contextBudget) throw err;
        budget = Math.min(contextBudget, budget * 4);
      }
    }
    const targetFiles = packed.files.filter((f) => f.role === "target");
    const format = formatForReply([...targetFiles, ...packed.missingTargets.map(() => ({ tokens: 0 }))]);
    const input = { context: packed.text, task, format, scope, newFiles: packed.missingTargets, ask };
    const messages = firstMessages(input);
    const user = messages[1];
    // The packed text is counted already and ends a line before "# Task": no need to recount it.
    if (user !== undefined) this.counts.set(user, packed.tokens + (await backend.countTokens(taskText(input))) + PER_MESSAGE_MARGIN);
    this.conv.startFresh(messages, new Map(packed.files.filter((f) => f.role !== "map").map((f) => [f.path, f.hash])));
    const prediction = ask ? "" : targetFiles.map((f) => f.content).join("\n");
    const full = packed.files.filter((f) => f.role !== "map").length;
    // What the first answer left out, kept for warming: it must leave the conversation a reserve too.
    // In estimated tokens (the rest is packed on estimates), scaled by how the model's tokenizer
    // compared on the packed text.
    const scale = packed.exact && packed.tokens > 0 ? packed.tokens / Math.max(1, estimateTokens(packed.text)) : 1;
    const restBudget = Math.floor((contextBudget - packed.tokens - reserve) / Math.max(1, scale));
    const rest = this.opts.warmRest === true && backend.warm !== undefined && user !== undefined && restBudget >= MIN_REST_BUDGET ? packRest(this.opts.root, packed, restBudget) : undefined;
    this.rest = rest !== undefined && rest.blocks.length > 0 && user !== undefined ? new RestWarming(packed.text, taskText(input), rest, user) : undefined;
    const left = this.rest?.remaining ?? { files: 0, tokens: 0 };
    this.split = { now: { files: full, outlined: packed.files.length - full, tokens: packed.tokens, budget }, rest: { budget: contextBudget - budget, warming: this.rest !== undefined, ...left } };
    return { format, files: full, budget, prediction: prediction.length > 0 ? prediction : undefined, packed: this.split };
  }

  /**
   * Later turns: the conversation so far stays verbatim (its tokens stay cached); files changed
   * since the model last saw them, and focus files it has not seen, are shown before the task.
   * Undefined when it would not fit: then the turn starts over with a fresh pack.
   */
  private async followUp(task: string, ask: boolean, focus: readonly string[]): Promise<Prepared | undefined> {
    const conv = this.conv;
    const messages = conv.messages ?? [];
    const { backend } = this.opts;
    const reserve = this.opts.outputReserve ?? defaultOutputReserve(backend.info.contextSize);
    const packed = await this.takeInWarm(messages, reserve + estimateTokens(task) + MIN_REST_BUDGET);
    const scopeFiles: { tokens: number }[] = [];
    const { text: update, contents } = await fileUpdates(this.opts.root, conv.seen, focus);
    for (const file of conv.scope ?? []) {
      const text = contents.get(file) ?? (await readFile(path.join(this.opts.root, file), "utf8").catch(() => ""));
      scopeFiles.push({ tokens: await backend.countTokens(text) });
    }
    const format = formatForReply(scopeFiles);
    const next: ChatMessage = { role: "user", content: `${update}${taskText({ task, format, scope: conv.scope, ask })}` };
    const used = (await this.countAll(messages)) + (await this.count(next));
    if (used + reserve > backend.info.contextSize) {
      conv.messages = undefined;
      return undefined;
    }
    messages.push(next);
    return { format, files: conv.seen.size, budget: backend.info.contextSize - reserve, prediction: undefined, ...(packed ? { packed } : {}) };
  }

  /**
   * Grows the first user message by the rest blocks that are warm and fit (leaving `room`
   * tokens); the model has then seen those files. Returns the new split, or undefined when
   * nothing was added.
   */
  private async takeInWarm(messages: ChatMessage[], room: number): Promise<PackedSplit | undefined> {
    const rest = this.rest;
    const head = messages[1];
    if (rest === undefined || this.split === undefined || head === undefined || head !== rest.head || rest.warm <= rest.used) return undefined;
    const allowed = this.opts.backend.info.contextSize - room - (await this.countAll(messages));
    if (!(await rest.takeIn(messages, allowed, (m) => this.count(m), this.conv.seen))) return undefined;
    const now = this.split.now;
    const added = rest.tokensOf(rest.used);
    return {
      now: { files: now.files + rest.used, outlined: now.outlined, tokens: now.tokens + added, budget: now.budget + added },
      rest: { budget: this.split.rest.budget - added, warming: rest.remaining.files > 0, ...rest.remaining },
    };
  }

  private async roomForReply(messages: readonly ChatMessage[]): Promise<number> {
    const size = this.opts.backend.info.contextSize;
    const used = await this.countAll(messages);
    if (used + MIN_REPLY_TOKENS > size) throw contextFull(used, size);
    return size - used;
  }

  private async count(m: ChatMessage): Promise<number> {
    let n = this.counts.get(m);
    if (n === undefined) {
      n = (await this.opts.backend.countTokens(m.content)) + PER_MESSAGE_MARGIN;
      this.counts.set(m, n);
    }
    return n;
  }

  private async countAll(messages: readonly ChatMessage[]): Promise<number> {
    let total = 0;
    for (const m of messages) total += await this.count(m);
    return total;
  }
}

/** One headless turn wrapped in `session.start` … `session.end` (`spark fix`, `spark run`). */
export async function* runAgent(task: string, opts: AgentOptions): AsyncGenerator<AgentEvent, TurnOutcome, undefined> {
  const { info } = opts.backend;
  yield { type: "session.start", model: info.model, backend: info.backend, contextSize: info.contextSize, cwd: opts.cwd ?? opts.root };
  const session = new AgentSession(opts);
  const outcome = yield* session.turn(task);
  yield { type: "session.end", status: outcome.status, exitCode: outcome.exitCode };
  return outcome;
}

/** Estimated tokens of the edit targets that exist (read once, before packing). */
async function estimatedTargetTokens(root: string, targets: readonly string[]): Promise<number> {
  let n = 0;
  for (const t of targets) n += estimateTokens(await readFile(path.join(root, t), "utf8").catch(() => ""));
  return n;
}
