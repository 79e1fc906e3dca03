/**
 * One agent turn at a time for the TUI: keeps the agent session (the conversation), runs a turn
 * with its own AbortController, feeds its events to the store, and answers the agent's approval
 * hook from the keyboard. The controller hands keys in; this module owns the turn's lifecycle.
 */
import type { AgentEvent, SessionStatus } from "../agent/events.js";
import { AgentSession, type AgentOptions } from "../agent/session.js";
import type { Decide, Proposal } from "../agent/turn.js";
import { formatError, InterruptedError } from "../errors.js";
import type { BackendSlot } from "./backend-slot.js";
import type { FocusFiles } from "./focus.js";
import { RateMeter } from "./rate-meter.js";
import type { Action, TuiState } from "./state/types.js";

/** Agent options the TUI passes through (cache dir, --continue, effects). */
export type TurnAgentOptions = Omit<Partial<AgentOptions>, "backend" | "root" | "cwd" | "decide" | "signal" | "targets" | "anyFile" | "testCommand">;

/** What a turn needs from the controller. */
export interface TurnRunnerDeps {
  dispatch: (a: Action) => void;
  state: () => TuiState;
  model: BackendSlot;
  focus: FocusFiles;
  /** The command run after each applied change (`--test`, /test); read at each turn. */
  test: { command: string | undefined };
  /** The repository root (known once the repo is found or created). */
  root: () => string;
  cwd: string;
  agent: TurnAgentOptions | undefined;
  now: () => number;
  /** True once the session is ending: a Ctrl-C cancel then arms nothing. */
  exiting: () => boolean;
}

/** Approval answers from the keyboard. */
export type ApprovalAnswer = "yes" | "no" | "always" | "edit";

/** Runs the TUI's turns. */
export class TurnRunner {
  private session: AgentSession | undefined;
  private sessionStarted = false;
  private turnAbort: AbortController | undefined;
  private cancelledByCtrlC = false;
  private answer: ((d: "apply" | "reject") => void) | undefined;
  private readonly rate: RateMeter;

  constructor(private readonly deps: TurnRunnerDeps) {
    this.rate = new RateMeter({
      count: (t) => deps.model.current?.countTokens(t) ?? Promise.resolve(0),
      onRate: (tps) => deps.dispatch({ type: "ui.rate", tokensPerSecond: Math.round(tps * 10) / 10 }),
      now: deps.now,
    });
  }

  /** Runs one turn for `task`; never throws (failures end the turn with an error line). */
  async run(task: string): Promise<void> {
    const { dispatch } = this.deps;
    const turn = new AbortController();
    this.turnAbort = turn;
    this.cancelledByCtrlC = false;
    dispatch({ type: "ui.turn.start", task, at: this.deps.now() });
    let status: SessionStatus = "error";
    try {
      const backend = await this.deps.model.wait(turn.signal);
      if (backend === undefined) throw new Error("no model is loaded (/model URI loads one)");
      const session = this.ensureSession(backend);
      const gen = session.turn(this.deps.focus.message(task), { signal: turn.signal, testCommand: this.deps.test.command });
      for (;;) {
        const next = await gen.next();
        if (next.done) {
          status = next.value.status;
          break;
        }
        this.onEvent(next.value);
      }
    } catch (err) {
      if (turn.signal.aborted) status = "interrupted";
      else dispatch({ type: "error", message: formatError(err), code: "internal" });
    } finally {
      this.answer?.("reject");
      this.answer = undefined;
      this.turnAbort = undefined;
      this.rate.reset();
      dispatch({ type: "ui.turn.end", status, at: this.deps.now() });
      if (this.cancelledByCtrlC && !this.deps.exiting()) dispatch({ type: "ui.exit-armed", armed: true });
    }
  }

  /** Drops the conversation: the next turn packs the repository afresh (/clear, /model). */
  newConversation(): void {
    this.session = undefined;
  }

  /** The keyboard's answer to the pending approval question. */
  answerApproval(answer: ApprovalAnswer): void {
    const resolve = this.answer;
    this.answer = undefined;
    this.deps.dispatch({ type: "ui.approval.answer", answer });
    resolve?.(answer === "yes" || answer === "always" ? "apply" : "reject");
  }

  /** Stops the running turn; the session stays. */
  cancel(byCtrlC = false): void {
    if (!this.turnAbort) return;
    this.cancelledByCtrlC = byCtrlC;
    this.deps.dispatch({ type: "ui.cancel" });
    this.answer?.("reject");
    this.answer = undefined;
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
      // --continue resumes the stored conversation once; /clear and /model start new ones.
      continueLast: !this.sessionStarted && this.deps.agent?.continueLast === true,
    });
    this.sessionStarted = true;
    return this.session;
  }

  /** The agent's approval hook: `--yes` or an earlier `a` apply at once; otherwise the keyboard answers. */
  private decide: Decide = (proposal: Proposal) => {
    if (this.deps.state().autoApply) return Promise.resolve("apply");
    return new Promise((resolve) => {
      this.answer = resolve;
      const files = proposal.files.map((f) => ({ path: f.path, added: f.added, removed: f.removed, created: f.created, deleted: f.deleted }));
      this.deps.dispatch({ type: "ui.approval.ask", files });
    });
  };
}
