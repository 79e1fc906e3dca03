/**
 * One agent turn at a time for the TUI: keeps the agent session (the conversation), runs a turn
 * with its own AbortController, feeds its events to the store, and answers the agent's approval
 * hook from the keyboard. The controller hands keys in; this module owns the turn's lifecycle.
 */
import type { AgentEvent, SessionStatus } from "../agent/events.js";
import { commandOutputNote } from "../agent/feedback.js";
import { AgentSession, type AgentOptions } from "../agent/session.js";
import type { ApproveCommand, Decide, Proposal } from "../agent/turn.js";
import { formatError, InterruptedError } from "../errors.js";
import type { BackendSlot } from "./backend-slot.js";
import type { FocusFiles } from "./focus.js";
import type { QuestionSlot } from "./question-slot.js";
import { RateMeter } from "./rate-meter.js";
import type { Action, Attachment, TuiState } from "./state/types.js";

/** Agent options the TUI passes through (cache dir, --continue, effects). */
export type TurnAgentOptions = Omit<Partial<AgentOptions>, "backend" | "root" | "cwd" | "decide" | "approveCommand" | "signal" | "targets" | "anyFile" | "testCommand">;

/** What a turn needs from the controller. */
export interface TurnRunnerDeps {
  dispatch: (a: Action) => void;
  state: () => TuiState;
  model: BackendSlot;
  focus: FocusFiles;
  questions: QuestionSlot;
  /** The command run after each applied change (`--test`, /test); read at each turn. */
  test: { command: string | undefined };
  /** The repository root (known once the repo is found or created). */
  root: () => string;
  cwd: string;
  agent: TurnAgentOptions | undefined;
  now: () => number;
  /** True once the session is ending: a Ctrl-C cancel then arms nothing. */
  exiting: () => boolean;
  /** Called when a turn takes a checkpoint (about to change files). Default nothing. */
  onCheckpoint?: () => void;
}

/** One turn of the current conversation, for /rewind. */
export interface TurnRecord {
  /** What the person typed. */
  task: string;
  ask: boolean;
  /** Checkpoints the turn took (the first holds the files as they were before it). */
  checkpoints: string[];
  /** The turn's index in its agent session. */
  index: number;
  session: AgentSession;
}

/** Per-turn choices. */
export interface TurnRequest {
  /** A question (`/ask`): no edit format, nothing applied. Default: whether the work mode is `ask`. */
  ask?: boolean;
  /** Files mentioned (`@path`): in focus for this turn. Default none. */
  mentioned?: readonly string[];
}

/** Runs the TUI's turns. */
export class TurnRunner {
  private session: AgentSession | undefined;
  private sessionStarted = false;
  private turnAbort: AbortController | undefined;
  private cancelledByCtrlC = false;
  private readonly rate: RateMeter;
  private records: TurnRecord[] = [];
  /** `--resume ID` or a conversation picked at start: the next session continues it. */
  private resumeId: string | undefined;

  constructor(private readonly deps: TurnRunnerDeps) {
    this.rate = new RateMeter({
      count: (t) => deps.model.current?.countTokens(t) ?? Promise.resolve(0),
      onRate: (tps) => deps.dispatch({ type: "ui.rate", tokensPerSecond: Math.round(tps * 10) / 10 }),
      now: deps.now,
    });
  }

  /** This conversation's turns, oldest first. */
  get turns(): readonly TurnRecord[] {
    return this.records;
  }

  /** Forgets turn `i` of `turns` and every later one, in the conversation too. */
  async forget(i: number): Promise<void> {
    const record = this.records[i];
    if (record === undefined) return;
    this.records = this.records.slice(0, i);
    await record.session.stopWarming();
    await record.session.rewind(record.index);
  }

  /** The next turn continues stored conversation `id` (a new conversation starts over). */
  resume(id: string): void {
    void this.session?.stopWarming();
    this.session = undefined;
    this.records = [];
    this.resumeId = id;
  }

  /** True while a turn runs. */
  get running(): boolean {
    return this.turnAbort !== undefined;
  }

  /** Runs one turn for `task`; never throws (failures end the turn with an error line). */
  async run(task: string, request: TurnRequest = {}): Promise<void> {
    const { dispatch } = this.deps;
    const turn = new AbortController();
    this.turnAbort = turn;
    this.cancelledByCtrlC = false;
    const state = this.deps.state();
    const ask = request.ask ?? state.status.mode === "ask";
    const message = attachmentsText(state.attachments) + this.deps.focus.message(task);
    dispatch({ type: "ui.turn.start", task, at: this.deps.now(), ask });
    let status: SessionStatus = "error";
    try {
      const backend = await this.deps.model.wait(turn.signal);
      if (backend === undefined) throw new Error("no model is loaded (/model URI loads one)");
      const session = this.ensureSession(backend);
      const before = session.turnCount;
      const checkpoints: string[] = [];
      const focus = [...this.deps.focus.files, ...(request.mentioned ?? [])];
      const gen = session.turn(message, { signal: turn.signal, testCommand: this.deps.test.command, ask, focus, label: task });
      try {
        for (;;) {
          const next = await gen.next();
          if (next.done) {
            status = next.value.status;
            break;
          }
          if (next.value.type === "checkpoint") {
            checkpoints.push(next.value.id);
            this.deps.onCheckpoint?.();
          }
          this.onEvent(next.value);
        }
      } finally {
        if (session.turnCount > before && this.session === session) this.records.push({ task, ask, checkpoints, index: before, session });
      }
    } catch (err) {
      if (turn.signal.aborted) status = "interrupted";
      else dispatch({ type: "error", message: formatError(err), code: "internal" });
    } finally {
      this.deps.questions.dismiss();
      this.turnAbort = undefined;
      this.rate.reset();
      dispatch({ type: "ui.turn.end", status, at: this.deps.now() });
      if (this.cancelledByCtrlC && !this.deps.exiting()) dispatch({ type: "ui.exit-armed", armed: true });
      // Idle now: the rest of the repository is prefilled meanwhile; the next turn stops it.
      if (!this.deps.exiting()) this.session?.warm();
    }
  }

  /** Stops background warming and waits for it (at most one prefill chunk). */
  async stopWarming(): Promise<void> {
    await this.session?.stopWarming();
  }

  /** Drops the conversation: the next turn packs the repository afresh (/clear, /model). */
  newConversation(): void {
    void this.session?.stopWarming();
    this.session = undefined;
    this.records = [];
  }

  /** Stops the running turn; the session stays. */
  cancel(byCtrlC = false): void {
    if (!this.turnAbort) return;
    this.cancelledByCtrlC = byCtrlC;
    this.deps.dispatch({ type: "ui.cancel" });
    this.deps.questions.dismiss();
    this.turnAbort.abort(new InterruptedError());
  }

  private onEvent(ev: AgentEvent): void {
    this.deps.dispatch(ev);
    if (ev.type === "model.delta") this.rate.push(ev.text);
    else if (ev.type === "stats") this.rate.reset();
  }

  private ensureSession(backend: AgentOptions["backend"]): AgentSession {
    if (this.session) return this.session;
    this.session = new AgentSession({
      ...this.deps.agent,
      backend,
      root: this.deps.root(),
      cwd: this.deps.cwd,
      targets: this.deps.focus.markPacked(),
      anyFile: true,
      decide: this.decide,
      approveCommand: this.approveCommand,
      // Between turns the rest of the repository is prefilled (the first answer got what ranks high).
      warmRest: this.deps.agent?.warmRest ?? true,
      // --continue and --resume resume the stored conversation once; /clear and /model start new ones.
      continueLast: !this.sessionStarted && this.deps.agent?.continueLast === true,
      ...(this.resumeId !== undefined ? { resume: this.resumeId } : {}),
    });
    this.sessionStarted = true;
    this.resumeId = undefined;
    return this.session;
  }

  /** The agent's approval hook: auto-edit and full apply at once; suggest asks the keyboard. */
  private decide: Decide = async (proposal: Proposal) => {
    if (this.deps.state().status.mode !== "suggest") return "apply";
    const files = proposal.files.map((f) => ({ path: f.path, added: f.added, removed: f.removed, created: f.created, deleted: f.deleted }));
    const answer = await this.deps.questions.ask({ kind: "edit", files });
    return answer === "yes" || answer === "always" ? "apply" : "reject";
  };

  /** The command hook: full runs the test command at once; suggest and auto-edit ask the keyboard. */
  private approveCommand: ApproveCommand = async (command) => {
    if (this.deps.state().status.mode === "full") return "run";
    const answer = await this.deps.questions.ask({ kind: "command", command });
    if (answer === "yes" || answer === "always") return "run";
    if (this.turnAbort?.signal.aborted !== true) this.deps.dispatch({ type: "ui.log", item: { kind: "notice", text: `did not run \`${command}\``, tone: "warn" } });
    return "skip";
  };
}

/** The `!CMD` outputs the person attached, worded for the model, ahead of their message. */
function attachmentsText(attachments: readonly Attachment[]): string {
  return attachments.map((a) => `${commandOutputNote(a.command, a.exitCode, a.output)}\n`).join("");
}
