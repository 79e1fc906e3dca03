/**
 * The TUI's effects: it finds the repo (or offers `git init`), keeps the model, turns key presses
 * into edits, submissions and answers, starts agent turns (turn-runner.ts) and runs slash
 * commands. State changes go through the pure reducer via the store; components only read.
 */
import { InterruptedError, RepoError } from "../errors.js";
import { BackendSlot, type OpenBackend } from "./backend-slot.js";
import { dirLister, FocusFiles } from "./focus.js";
import * as history from "./input/history.js";
import { editorOf, type EditorState } from "./input/editor.js";
import { keyCommand, splitChunk, type KeyInfo } from "./input/keymap.js";
import { parseSlash } from "./slash/commands.js";
import { complete } from "./slash/complete.js";
import { runSlash, type SlashHost, type TuiGit } from "./slash/run-slash.js";
import { initialState, reduce } from "./state/reducer.js";
import type { Action, LogItem } from "./state/types.js";
import { createStore, type StoreOptions, type TuiStore } from "./store.js";
import { TurnRunner, type TurnAgentOptions } from "./turn-runner.js";

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
  agent?: TurnAgentOptions;
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
  private readonly test: { command: string | undefined };
  private readonly turns: TurnRunner;
  private readonly lifetime = new AbortController();
  private exited = false;
  private readonly now: () => number;

  constructor(private readonly deps: TuiDeps) {
    this.now = deps.now ?? (() => performance.now());
    this.store = createStore(reduce, initialState(deps.cwd, { autoApply: deps.autoApply ?? false }), deps.store);
    this.test = { command: deps.testCommand };
    this.model = new BackendSlot(deps.openBackend, this.dispatch, this.now, deps.cwd, this.lifetime.signal);
    this.focus = new FocusFiles(() => this.root ?? deps.cwd, deps.cwd);
    this.turns = new TurnRunner({
      dispatch: this.dispatch,
      state: () => this.store.getState(),
      model: this.model,
      focus: this.focus,
      test: this.test,
      root: () => this.root ?? deps.cwd,
      cwd: deps.cwd,
      agent: deps.agent,
      now: this.now,
      exiting: () => this.exited,
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
        return this.turns.answerApproval(cmd.answer);
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
    this.idle = this.turns.run(trimmed.startsWith("//") ? trimmed.slice(1) : text);
  }

  /** Stops the running turn; the session stays. */
  cancel(byCtrlC = false): void {
    this.turns.cancel(byCtrlC);
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
        this.turns.newConversation();
        this.log({ kind: "notice", text: `loading ${uri}…`, tone: "dim" });
        this.model.load(uri);
      },
      clear: () => {
        this.turns.newConversation();
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
