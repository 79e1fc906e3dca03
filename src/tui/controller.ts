/**
 * The TUI's effects: it finds the repo (or offers `git init`), keeps the model, runs agent turns
 * (one AbortController each), answers the agent's approval hook from the keyboard, and runs slash
 * commands. State changes go through the pure reducer via the store; components only read.
 */
import type { AgentEvent, SessionStatus } from "../agent/events.js";
import { AgentSession, type AgentOptions } from "../agent/session.js";
import type { Decide, Proposal } from "../agent/turn.js";
import { formatError, InterruptedError, RepoError } from "../errors.js";
import { BackendSlot, type OpenBackend } from "./backend-slot.js";
import { dirLister, FocusFiles } from "./focus.js";
import * as history from "./input/history.js";
import { editorOf, type EditorState } from "./input/editor.js";
import { keyCommand, splitChunk, type KeyInfo } from "./input/keymap.js";
import { RateMeter } from "./rate-meter.js";
import { parseSlash } from "./slash/commands.js";
import { complete } from "./slash/complete.js";
import { runSlash, type SlashHost, type TuiGit } from "./slash/run-slash.js";
import { initialState, reduce } from "./state/reducer.js";
import type { Action, LogItem } from "./state/types.js";
import { createStore, type StoreOptions, type TuiStore } from "./store.js";

export type { OpenBackend, OpenProgress } from "./backend-slot.js";

/** What the controller needs from the world. */
export interface TuiDeps {
  /** Where the session starts (absolute). */
  cwd: string;
  openBackend: OpenBackend;
  /** The initial `--model`. Default: the opener's default. */
  model?: string;
  git: TuiGit;
  /** Further agent options (cache dir, --continue, effects). Default none. */
  agent?: Omit<Partial<AgentOptions>, "backend" | "root" | "cwd" | "decide" | "signal" | "targets" | "anyFile" | "testCommand">;
  /** `--test CMD`. Default none. */
  testCommand?: string;
  /** `--yes`. Default false. */
  autoApply?: boolean;
  /** The first message (`spark TASK`). Default none. */
  task?: string;
  /** Called once when the session ends; `error` is the one line to print. */
  onExit: (code: number, error?: Error) => void;
  /** Clears the terminal for /clear. Default: nothing. */
  clearScreen?: () => void;
  /** Aborted on SIGINT/SIGTERM from outside: ends the session with 130. */
  signal?: AbortSignal;
  /** Clock in ms. Default performance.now. */
  now?: () => number;
  store?: StoreOptions;
}

/** Drives one interactive session. */
export class TuiController {
  readonly store: TuiStore;
  /** Settles when the current turn or slash command is over (tests and exit wait on it). */
  idle: Promise<void> = Promise.resolve();
  private root: string | undefined;
  private readonly model: BackendSlot;
  private readonly focus: FocusFiles;
  private session: AgentSession | undefined;
  private sessionStarted = false;
  private readonly test: { command: string | undefined };
  private turnAbort: AbortController | undefined;
  private cancelledByCtrlC = false;
  private answer: ((d: "apply" | "reject") => void) | undefined;
  private readonly lifetime = new AbortController();
  private exited = false;
  private readonly rate: RateMeter;
  private readonly now: () => number;

  constructor(private readonly deps: TuiDeps) {
    this.now = deps.now ?? (() => performance.now());
    this.store = createStore(reduce, initialState(deps.cwd, { autoApply: deps.autoApply ?? false }), deps.store);
    this.test = { command: deps.testCommand };
    this.model = new BackendSlot(deps.openBackend, this.dispatch, this.now, deps.cwd, this.lifetime.signal);
    this.focus = new FocusFiles(() => this.root ?? deps.cwd, deps.cwd);
    this.rate = new RateMeter({
      count: (t) => this.model.current?.countTokens(t) ?? Promise.resolve(0),
      onRate: (tps) => this.dispatch({ type: "ui.rate", tokensPerSecond: Math.round(tps * 10) / 10 }),
      now: this.now,
    });
    deps.signal?.addEventListener("abort", () => void this.exit(130, new InterruptedError()), { once: true });
  }

  private dispatch = (a: Action): void => this.store.dispatch(a);
  private log = (item: LogItem): void => this.dispatch({ type: "ui.log", item });

  /** Finds the repository (or asks to create one), starts loading the model, sends the task. */
  async start(): Promise<void> {
    try {
      this.begin(await this.deps.git.findRepoRoot(this.deps.cwd));
    } catch (err) {
      if (!(err instanceof RepoError)) throw err;
      this.dispatch({ type: "ui.ask-init", cwd: this.deps.cwd });
    }
  }

  private begin(root: string): void {
    this.root = root;
    this.model.load(this.deps.model);
    this.dispatch({ type: "ui.ready" });
    if (this.deps.task !== undefined && this.deps.task.trim() !== "") this.submit(this.deps.task);
  }

  /** One key press (from Ink's useInput). */
  key(input: string, key: KeyInfo): void {
    const presses = splitChunk(input, key);
    if (presses.length > 1) {
      for (const [i, k] of presses) this.key(i, k);
      return;
    }
    const s = this.store.getState();
    const cmd = keyCommand(s.mode, s.input, input, key);
    switch (cmd.kind) {
      case "edit":
        return this.setInput(cmd.input);
      case "older":
      case "newer": {
        const moved = cmd.kind === "older" ? history.older(s.history, s.input.text) : history.newer(s.history);
        if (moved) this.dispatch({ type: "ui.history", history: moved.history, input: editorOf(moved.text) });
        return;
      }
      case "submit":
        return this.submit(cmd.text);
      case "complete":
        return void this.complete();
      case "cancel":
        return this.cancel(key.ctrl);
      case "interrupt":
        if (s.input.text !== "") this.setInput(editorOf(""));
        else if (s.exitArmed) return void this.exit(0);
        return this.dispatch({ type: "ui.exit-armed", armed: true });
      case "dismiss":
        this.dispatch({ type: "ui.completions", items: [] });
        return this.dispatch({ type: "ui.hint", text: undefined });
      case "answer":
        return this.answerApproval(cmd.answer);
      case "init":
        return void this.answerInit(cmd.yes);
      case "none":
        return;
    }
  }

  private setInput(input: EditorState): void {
    this.dispatch({ type: "ui.input", input });
    if (this.store.getState().completions.length > 0) this.dispatch({ type: "ui.completions", items: [] });
  }

  /** Sends a line: a slash command, or a task ("//x" sends the task "/x"). */
  submit(text: string): void {
    const mode = this.store.getState().mode;
    if (mode === "running" || mode === "approval") {
      this.dispatch({ type: "ui.hint", text: "a turn is running: wait, or press Esc to cancel it" });
      return;
    }
    this.dispatch({ type: "ui.submitted", text });
    if (text.trim() === "") return;
    const slash = parseSlash(text);
    if (slash !== undefined && "error" in slash) return this.dispatch({ type: "ui.hint", text: slash.error });
    if (slash !== undefined) {
      this.idle = runSlash(slash, this.slashHost());
      return;
    }
    const trimmed = text.trimStart();
    this.idle = this.runTurn(trimmed.startsWith("//") ? trimmed.slice(1) : text);
  }

  private async runTurn(task: string): Promise<void> {
    const turn = new AbortController();
    this.turnAbort = turn;
    this.cancelledByCtrlC = false;
    this.dispatch({ type: "ui.turn.start", task, at: this.now() });
    let status: SessionStatus = "error";
    try {
      const backend = await this.model.wait(turn.signal);
      if (backend === undefined) throw new Error("no model is loaded (/model URI loads one)");
      const session = this.ensureSession(backend);
      const gen = session.turn(this.focus.message(task), { signal: turn.signal, testCommand: this.test.command });
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
      else this.dispatch({ type: "error", message: formatError(err), code: "internal" });
    } finally {
      this.answer?.("reject");
      this.answer = undefined;
      this.turnAbort = undefined;
      this.rate.reset();
      this.dispatch({ type: "ui.turn.end", status, at: this.now() });
      if (this.cancelledByCtrlC && !this.exited) this.dispatch({ type: "ui.exit-armed", armed: true });
    }
  }

  private onEvent(ev: AgentEvent): void {
    this.dispatch(ev);
    if (ev.type === "model.delta") this.rate.push(ev.text);
    else if (ev.type === "stats") this.rate.reset();
  }

  private ensureSession(backend: AgentOptions["backend"]): AgentSession {
    if (this.session) return this.session;
    this.session = new AgentSession({
      ...this.deps.agent,
      backend,
      root: this.root ?? this.deps.cwd,
      cwd: this.deps.cwd,
      targets: this.focus.markPacked(),
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
    if (this.store.getState().autoApply) return Promise.resolve("apply");
    return new Promise((resolve) => {
      this.answer = resolve;
      const files = proposal.files.map((f) => ({ path: f.path, added: f.added, removed: f.removed, created: f.created, deleted: f.deleted }));
      this.dispatch({ type: "ui.approval.ask", files });
    });
  };

  private answerApproval(answer: "yes" | "no" | "always" | "edit"): void {
    const resolve = this.answer;
    this.answer = undefined;
    this.dispatch({ type: "ui.approval.answer", answer });
    resolve?.(answer === "yes" || answer === "always" ? "apply" : "reject");
  }

  /** Stops the running turn; the session stays. */
  cancel(byCtrlC = false): void {
    if (!this.turnAbort) return;
    this.cancelledByCtrlC = byCtrlC;
    this.dispatch({ type: "ui.cancel" });
    this.answer?.("reject");
    this.answer = undefined;
    this.turnAbort.abort(new InterruptedError());
  }

  private async answerInit(yes: boolean): Promise<void> {
    if (!yes) return this.exit(4, new RepoError(`not a git repository: ${this.deps.cwd} (run git init, or pass --cwd)`));
    try {
      const root = await this.deps.git.initRepo(this.deps.cwd);
      this.log({ kind: "notice", text: `initialized an empty git repository in ${root}`, tone: "ok" });
      this.begin(root);
    } catch (err) {
      await this.exit(4, err instanceof Error ? err : new RepoError(String(err)));
    }
  }

  private async complete(): Promise<void> {
    const s = this.store.getState();
    const before = s.input.text.slice(0, s.input.cursor);
    const result = await complete(before, dirLister(() => this.root ?? this.deps.cwd), this.focus.files);
    if (!result) return;
    this.dispatch({ type: "ui.input", input: { text: result.text + s.input.text.slice(s.input.cursor), cursor: result.text.length } });
    this.dispatch({ type: "ui.completions", items: result.candidates });
  }

  private slashHost(): SlashHost {
    return {
      state: () => this.store.getState(),
      log: this.log,
      setCheckpoint: (id) => this.dispatch({ type: "ui.checkpoint", id }),
      git: this.deps.git,
      root: this.root ?? this.deps.cwd,
      focus: this.focus,
      test: this.test,
      switchModel: (uri) => {
        this.session = undefined;
        this.log({ kind: "notice", text: `loading ${uri}…`, tone: "dim" });
        this.model.load(uri);
      },
      clear: () => {
        this.session = undefined;
        this.dispatch({ type: "ui.clear" });
        this.deps.clearScreen?.();
      },
      exit: () => void this.exit(0),
    };
  }

  /** Ends the session: cancels the turn, closes the model, reports `code`. */
  async exit(code: number, error?: Error): Promise<void> {
    if (this.exited) return;
    this.exited = true;
    this.cancel();
    this.lifetime.abort(new InterruptedError());
    await this.idle.catch(() => undefined);
    await this.model.close();
    this.store.flush();
    this.deps.onExit(code, error);
  }
}
