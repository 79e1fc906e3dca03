/**
 * An agent session: one backend, one repository, one conversation. `turn(task)` packs the repo
 * (first turn) or appends to the conversation (later turns and `--continue`), then runs the
 * rounds; it yields the contract's events (docs/events.md) and returns how the turn ended.
 * `runAgent` wraps one turn in `session.start` … `session.end` for the headless commands.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { FileChange, FormatName } from "../edits/index.js";
import { SparkError, UsageError } from "../errors.js";
import type { Backend, ChatMessage } from "../inference/index.js";
import { asInterrupted } from "./abort.js";
import { loadConversation, saveConversation } from "./conversation-store.js";
import { defaultEffects, type AgentEffects } from "./effects.js";
import type { AgentEvent, SessionStatus } from "./events.js";
import { formatForReply } from "./format-choice.js";
import { blobHash, packContext, renderFileBlock, type FilterOptions } from "./packer/index.js";
import { firstMessages, SYSTEM_PROMPT, taskText } from "./prompt.js";
import { contextFull, runRounds, type ApproveCommand, type Decide, type TurnOutcome } from "./turn.js";

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
}

/** Tokens a chat template adds around each message (role markers), generously. */
const PER_MESSAGE_MARGIN = 8;
/** Least room left for a reply before the conversation counts as full. */
const MIN_REPLY_TOKENS = 256;

/** Default output reserve for a context of `contextSize` tokens. */
export function defaultOutputReserve(contextSize: number): number {
  return Math.max(1024, Math.min(16384, Math.round(contextSize / 8)));
}

interface Prepared {
  format: FormatName;
  files: number;
  budget: number;
  prediction: string | undefined;
}

/** One session (keeps the conversation between turns). */
export class AgentSession {
  private messages: ChatMessage[] | undefined;
  private seen = new Map<string, string>();
  private scope: string[] | undefined;
  private sent = 0;
  private readonly counts = new WeakMap<ChatMessage, number>();
  private readonly effects: AgentEffects;
  private loaded = false;

  constructor(private readonly opts: AgentOptions) {
    this.effects = { ...defaultEffects, ...opts.effects };
    this.scope = opts.targets && opts.targets.length > 0 && !opts.anyFile ? [...opts.targets] : undefined;
  }

  get backend(): Backend {
    return this.opts.backend;
  }

  /**
   * Runs one turn for `task`; `perTurn` overrides the session's signal and test command for this
   * turn. Never throws for task, model, repo or interrupt errors: they end the turn.
   */
  async *turn(task: string, perTurn: TurnOptions = {}): AsyncGenerator<AgentEvent, TurnOutcome, undefined> {
    const { backend } = this.opts;
    const signal = perTurn.signal ?? this.opts.signal;
    const testCommand = "testCommand" in perTurn ? perTurn.testCommand : this.opts.testCommand;
    const ask = perTurn.ask ?? this.opts.ask ?? false;
    const outcome: TurnOutcome = { status: "ok", exitCode: 0, applied: [], checkpoints: [], stats: [] };
    try {
      if (task.trim().length === 0) throw new UsageError("the task is empty");
      await this.loadOnce();
      const cachedTokens = this.messages !== undefined ? await this.countAll(this.messages.slice(0, this.sent)) : 0;
      const prep = (this.messages !== undefined ? await this.followUp(task, ask) : undefined) ?? (await this.fresh(task, ask, signal));
      const messages = this.messages ?? [];
      yield { type: "context.packed", files: prep.files, tokens: await this.countAll(messages), budget: prep.budget, cachedTokens };
      const result = yield* runRounds({
        backend,
        root: this.opts.root,
        task,
        messages,
        format: prep.format,
        scope: this.scope,
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
        onApplied: (files) => this.remember(files),
      });
      Object.assign(outcome, result);
    } catch (err) {
      const e = asInterrupted(err, signal);
      const status: SessionStatus = e instanceof SparkError && e.code === "interrupted" ? "interrupted" : "error";
      outcome.status = status;
      outcome.exitCode = e instanceof SparkError ? e.exitCode : 1;
      outcome.error = { message: e instanceof Error ? e.message : String(e), code: e instanceof SparkError ? e.code : "internal" };
    }
    if (this.messages !== undefined) this.sent = this.messages.length;
    if (outcome.error !== undefined) yield { type: "error", message: outcome.error.message, code: outcome.error.code };
    await this.save();
    return outcome;
  }

  private async loadOnce(): Promise<void> {
    if (this.loaded) return;
    this.loaded = true;
    if (!this.opts.continueLast || this.opts.cacheDir === undefined) return;
    const stored = await loadConversation(conversationsDir(this.opts.cacheDir), this.opts.root);
    if (stored === undefined) return;
    this.messages = stored.messages;
    this.seen = new Map(Object.entries(stored.seen));
    if (this.scope === undefined && !this.opts.anyFile && stored.scope.length > 0) this.scope = stored.scope;
  }

  /** First turn: pack the repository into a new conversation. */
  private async fresh(task: string, ask: boolean, signal: AbortSignal | undefined): Promise<Prepared> {
    const { backend } = this.opts;
    const contextSize = backend.info.contextSize;
    const reserve = this.opts.outputReserve ?? defaultOutputReserve(contextSize);
    const targets = this.opts.targets ?? [];
    // Budget with the longest format line, so the real message never exceeds it.
    const fixed =
      (await backend.countTokens(SYSTEM_PROMPT)) +
      (await backend.countTokens(taskText({ task, format: "search-replace", scope: this.scope, newFiles: targets, ask }))) +
      2 * PER_MESSAGE_MARGIN;
    const budget = contextSize - reserve - fixed;
    if (budget <= 0) throw new UsageError(`the context (${contextSize} tokens) is too small for the prompt and a reply (raise --context)`);
    const packed = await packContext({
      ...this.opts.filters,
      root: this.opts.root,
      task,
      targets,
      budget,
      countTokens: (t) => backend.countTokens(t),
      modelKey: backend.info.model,
      ...(this.opts.cacheDir !== undefined ? { cacheDir: path.join(this.opts.cacheDir, "packer") } : {}),
      ...(signal !== undefined ? { signal } : {}),
    });
    const targetFiles = packed.files.filter((f) => f.role === "target");
    const format = formatForReply([...targetFiles, ...packed.missingTargets.map(() => ({ tokens: 0 }))]);
    const input = { context: packed.text, task, format, scope: this.scope, newFiles: packed.missingTargets, ask };
    this.messages = firstMessages(input);
    const user = this.messages[1];
    // The packed text is counted already and ends a line before "# Task": no need to recount it.
    if (user !== undefined) this.counts.set(user, packed.tokens + (await backend.countTokens(taskText(input))) + PER_MESSAGE_MARGIN);
    this.sent = 0;
    this.seen = new Map(packed.files.map((f) => [f.path, f.hash]));
    const prediction = ask ? "" : targetFiles.map((f) => f.content).join("\n");
    return { format, files: packed.files.length, budget, prediction: prediction.length > 0 ? prediction : undefined };
  }

  /**
   * Later turns: the conversation so far stays verbatim (its tokens stay cached); files changed
   * since the model last saw them are shown again before the task. Undefined when it would not
   * fit: then the turn starts over with a fresh pack.
   */
  private async followUp(task: string, ask: boolean): Promise<Prepared | undefined> {
    const messages = this.messages ?? [];
    const { backend } = this.opts;
    const changed: string[] = [];
    const scopeFiles: { tokens: number }[] = [];
    const contents = new Map<string, string | undefined>();
    for (const [file, hash] of [...this.seen].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const bytes = await readFile(path.join(this.opts.root, file)).catch(() => undefined);
      if (bytes !== undefined && blobHash(bytes) === hash) continue;
      const text = bytes === undefined ? undefined : new TextDecoder().decode(bytes);
      contents.set(file, text);
      changed.push(text === undefined ? `${file} (deleted)\n\n` : renderFileBlock(file, text));
      if (bytes !== undefined) this.seen.set(file, blobHash(bytes));
      else this.seen.delete(file);
    }
    for (const file of this.scope ?? []) {
      const text = contents.get(file) ?? (await readFile(path.join(this.opts.root, file), "utf8").catch(() => ""));
      scopeFiles.push({ tokens: await backend.countTokens(text) });
    }
    const format = formatForReply(scopeFiles);
    const update = changed.length > 0 ? `These files changed since you last saw them:\n\n${changed.join("")}` : "";
    const next: ChatMessage = { role: "user", content: `${update}${taskText({ task, format, scope: this.scope, ask })}` };
    const reserve = this.opts.outputReserve ?? defaultOutputReserve(backend.info.contextSize);
    const used = (await this.countAll(messages)) + (await this.count(next));
    if (used + reserve > backend.info.contextSize) {
      this.messages = undefined;
      return undefined;
    }
    messages.push(next);
    return { format, files: this.seen.size, budget: backend.info.contextSize - reserve, prediction: undefined };
  }

  private remember(files: readonly FileChange[]): void {
    for (const f of files) {
      if (f.afterBytes === undefined) this.seen.delete(f.path);
      else this.seen.set(f.path, blobHash(f.afterBytes));
    }
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

  private async save(): Promise<void> {
    if (this.opts.cacheDir === undefined || this.messages === undefined) return;
    await saveConversation(conversationsDir(this.opts.cacheDir), {
      version: 1,
      root: this.opts.root,
      model: this.opts.backend.info.model,
      messages: this.messages,
      seen: Object.fromEntries(this.seen),
      scope: this.scope ?? [],
      updatedAt: new Date().toISOString(),
    }).catch(() => undefined); // losing --continue state must not fail the task
  }
}

function conversationsDir(cacheDir: string): string {
  return path.join(cacheDir, "conversations");
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
