/**
 * The TUI's effects: it finds the repo (or offers `git init`), keeps the model, turns key presses
 * into edits, submissions and answers, and hands the work to its helpers: agent turns
 * (turn-runner.ts), `!CMD` (shell-runner.ts), `@mentions` (mention-completer.ts), /rewind and
 * /redo (rewind.ts), `--resume` (resume.ts) and slash commands. State changes go through the
 * pure reducer via the store; components only read.
 */
import { InterruptedError, RepoError } from "../errors.js";
import { BackendSlot, type OpenBackend } from "./backend-slot.js";
import { dirLister, FocusFiles } from "./focus.js";
import * as history from "./input/history.js";
import { appendHistory, historyFile, loadHistory } from "./input/history-store.js";
import { editorOf, type EditorState } from "./input/editor.js";
import { keyCommand, splitChunk, type KeyCommand, type KeyInfo } from "./input/keymap.js";
import { MentionCompleter } from "./mention-completer.js";
import { QuestionSlot } from "./question-slot.js";
import { ResumePicker } from "./resume.js";
import { Rewinder } from "./rewind.js";
import { ShellRunner, type ShellFn } from "./shell-runner.js";
import { parseSlash } from "./slash/commands.js";
import { complete } from "./slash/complete.js";
import { runSlash, type SlashHost, type TuiGit } from "./slash/run-slash.js";
import { initialState, reduce } from "./state/reducer.js";
import type { Action, LogItem, WorkMode } from "./state/types.js";
import { nextWorkMode } from "./state/work-mode.js";
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
  /** `--mode` (`--yes` is full). Default suggest. */
  mode?: WorkMode;
  /** `--resume`: true lists this repository's conversations to pick one; an id continues that one. Default none. */
  resume?: true | string;
  /** Where prompt history is kept, one file per repository. Default: not kept across sessions. */
  historyDir?: string;
  /** Runs `!CMD`. Default: through the shell. */
  shell?: ShellFn;
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
  /** Settles when the current turn, command or slash command is over (tests and exit wait on it). */
  idle: Promise<void> = Promise.resolve();
  private root: string | undefined;
  private readonly model: BackendSlot;
  private readonly focus: FocusFiles;
  private readonly test: { command: string | undefined };
  private readonly questions: QuestionSlot;
  private readonly turns: TurnRunner;
  private readonly shell: ShellRunner;
  private readonly mentions: MentionCompleter;
  private readonly rewinder: Rewinder;
  private readonly resumer: ResumePicker;
  private readonly lifetime = new AbortController();
  private exited = false;
  private readonly now: () => number;
  private historyPath: string | undefined;

  constructor(private readonly deps: TuiDeps) {
    this.now = deps.now ?? (() => performance.now());
    this.store = createStore(reduce, initialState(deps.cwd, { mode: deps.mode ?? "suggest" }), deps.store);
    this.test = { command: deps.testCommand };
    this.model = new BackendSlot(deps.openBackend, this.dispatch, this.now, deps.cwd, this.lifetime.signal);
    this.focus = new FocusFiles(() => this.rootDir, deps.cwd);
    this.questions = new QuestionSlot(this.dispatch);
    const state = (): ReturnType<TuiStore["getState"]> => this.store.getState();
    this.rewinder = new Rewinder({
      dispatch: this.dispatch,
      undoCheckpoint: (id) => deps.git.undoCheckpoint(this.rootDir, id),
      records: () => this.turns.turns,
      forget: (i) => this.turns.forget(i),
    });
    this.turns = new TurnRunner({
      dispatch: this.dispatch,
      state,
      model: this.model,
      focus: this.focus,
      questions: this.questions,
      test: this.test,
      root: () => this.rootDir,
      cwd: deps.cwd,
      agent: deps.agent,
      now: this.now,
      exiting: () => this.exited,
      onCheckpoint: () => this.rewinder.forgetRedo(),
    });
    this.shell = new ShellRunner({ dispatch: this.dispatch, questions: this.questions, cwd: deps.cwd, ...(deps.shell ? { shell: deps.shell } : {}) });
    this.mentions = new MentionCompleter({ dispatch: this.dispatch, state, listFiles: () => deps.git.listFiles(this.rootDir) });
    this.resumer = new ResumePicker({ dispatch: this.dispatch, cacheDir: deps.agent?.cacheDir, resume: (id) => this.turns.resume(id) });
    deps.signal?.addEventListener("abort", () => void this.exit(130, new InterruptedError()), { once: true });
  }

  private dispatch = (a: Action): void => this.store.dispatch(a);
  private log = (item: LogItem): void => this.dispatch({ type: "ui.log", item });

  private get rootDir(): string {
    return this.root ?? this.deps.cwd;
  }

  /** Finds the repository (or asks to create one), starts loading the model, sends the task. */
  async start(): Promise<void> {
    try {
      await this.begin(await this.deps.git.findRepoRoot(this.deps.cwd));
    } catch (err) {
      if (!(err instanceof RepoError)) throw err;
      this.dispatch({ type: "ui.ask-init", cwd: this.deps.cwd });
    }
  }

  private async begin(root: string): Promise<void> {
    this.root = root;
    this.model.load(this.deps.model);
    this.dispatch({ type: "ui.ready" });
    await this.loadHistory(root);
    const resume = this.deps.resume;
    if (resume !== undefined) {
      const error = await this.resumer.begin(root, resume);
      if (error) return this.exit(2, error);
      if (this.store.getState().picker !== undefined) return; // the task waits for the pick
    }
    this.sendTask();
  }

  private sendTask(): void {
    if (this.deps.task !== undefined && this.deps.task.trim() !== "") this.submit(this.deps.task);
  }

  private async loadHistory(root: string): Promise<void> {
    if (this.deps.historyDir === undefined) return;
    this.historyPath = historyFile(this.deps.historyDir, root);
    const entries = await loadHistory(this.historyPath);
    const s = this.store.getState();
    // Entries typed before the file was read stay the newest.
    const merged = [...entries, ...s.history.entries].slice(-history.HISTORY_LIMIT);
    this.dispatch({ type: "ui.history", history: { entries: merged, index: merged.length, draft: "" }, input: s.input });
  }

  /** One key press (from Ink's useInput). */
  key(input: string, key: KeyInfo): void {
    const presses = splitChunk(input, key);
    if (presses.length > 1) {
      for (const [i, k] of presses) this.key(i, k);
      return;
    }
    const s = this.store.getState();
    this.run(keyCommand(s.mode, s.input, input, key, { menu: s.mention !== undefined }), key);
  }

  private run(cmd: KeyCommand, key: KeyInfo): void {
    const s = this.store.getState();
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
        return this.dismiss();
      case "answer":
        return this.questions.answer(cmd.answer);
      case "init":
        return void this.answerInit(cmd.yes);
      case "cycle-mode":
        return this.dispatch({ type: "ui.work-mode", mode: nextWorkMode(s.status.mode, s.fullInCycle) });
      case "pick":
        return this.pick(cmd.action);
      case "menu":
        if (cmd.action === "accept") return this.mentions.accept();
        return this.mentions.move(cmd.action === "up" ? -1 : 1);
      case "none":
        return;
    }
  }

  private setInput(input: EditorState): void {
    this.dispatch({ type: "ui.input", input });
    if (this.store.getState().completions.length > 0) this.dispatch({ type: "ui.completions", items: [] });
    this.mentions.refresh();
  }

  /** Esc at the prompt: closes the menu or completions; at an empty prompt, twice, opens /rewind. */
  private dismiss(): void {
    const s = this.store.getState();
    if (s.mention !== undefined) return this.mentions.close();
    if (s.completions.length > 0) return this.dispatch({ type: "ui.completions", items: [] });
    if (s.input.text === "" && s.mode === "idle") {
      if (!s.escArmed) return this.dispatch({ type: "ui.esc-armed", armed: true });
      this.dispatch({ type: "ui.esc-armed", armed: false });
      return this.rewinder.open();
    }
    this.dispatch({ type: "ui.hint", text: undefined });
  }

  private pick(action: "up" | "down" | "choose" | "close"): void {
    const picker = this.store.getState().picker;
    if (picker === undefined) return;
    if (action === "up" || action === "down") return this.dispatch({ type: "ui.picker.move", delta: action === "up" ? -1 : 1 });
    this.dispatch({ type: "ui.picker", picker: undefined });
    if (picker.kind === "rewind") {
      if (action === "choose") this.idle = this.rewinder.choose(picker.selected).catch((err: unknown) => this.logError(err));
      return;
    }
    this.resumer.choose(action === "choose" ? picker.selected : undefined);
    this.sendTask();
  }

  private logError(err: unknown): void {
    this.log({ kind: "notice", text: err instanceof Error ? (err.message.split("\n")[0] ?? "") : String(err), tone: "error" });
  }

  /** Sends a line: a slash command, `!CMD`, or a task ("//x" sends the task "/x"). */
  submit(text: string): void {
    const mode = this.store.getState().mode;
    if (mode === "running" || mode === "approval" || mode === "shell") {
      const what = mode === "shell" ? "a command is running: wait, or press Esc to stop it" : "a turn is running: wait, or press Esc to cancel it";
      this.dispatch({ type: "ui.hint", text: what });
      return;
    }
    this.dispatch({ type: "ui.submitted", text });
    if (text.trim() === "") return;
    if (this.historyPath !== undefined) void appendHistory(this.historyPath, text).catch(() => undefined);
    const trimmed = text.trimStart();
    if (trimmed.startsWith("!")) {
      const command = trimmed.slice(1).trim();
      if (command === "") return this.dispatch({ type: "ui.hint", text: "type a command after !, e.g. !npm test" });
      this.idle = this.shell.run(command);
      return;
    }
    const slash = parseSlash(text);
    if (slash !== undefined && "error" in slash) return this.dispatch({ type: "ui.hint", text: slash.error });
    if (slash !== undefined) {
      this.idle = runSlash(slash, this.slashHost());
      return;
    }
    this.idle = this.startTurn(trimmed.startsWith("//") ? trimmed.slice(1) : text);
  }

  private async startTurn(task: string, ask?: boolean): Promise<void> {
    const mentioned = await this.mentions.mentioned(task);
    await this.turns.run(task, { ...(ask !== undefined ? { ask } : {}), mentioned });
  }

  /** Stops the running turn or command (the session stays), or declines the question asked outside a turn. */
  cancel(byCtrlC = false): void {
    if (this.shell.running) return this.shell.cancel();
    if (!this.turns.running && this.store.getState().question !== undefined) return this.questions.answer("no");
    this.turns.cancel(byCtrlC);
  }

  private async answerInit(yes: boolean): Promise<void> {
    if (!yes) return this.exit(4, new RepoError(`not a git repository: ${this.deps.cwd} (run git init, or pass --cwd)`));
    try {
      const root = await this.deps.git.initRepo(this.deps.cwd);
      this.log({ kind: "notice", text: `initialized an empty git repository in ${root}`, tone: "ok" });
      await this.begin(root);
    } catch (err) {
      await this.exit(4, err instanceof Error ? err : new RepoError(String(err)));
    }
  }

  private async complete(): Promise<void> {
    if (await this.mentions.open()) return;
    const s = this.store.getState();
    const before = s.input.text.slice(0, s.input.cursor);
    const result = await complete(before, dirLister(() => this.rootDir), this.focus.files);
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
      root: this.rootDir,
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
      ask: (question) => this.startTurn(question, true),
      setMode: (mode) => this.dispatch({ type: "ui.work-mode", mode }),
      runShell: (command) => this.shell.run(command),
      rewinder: this.rewinder,
    };
  }

  /** Ends the session: cancels the turn or command, closes the model, reports `code`. */
  async exit(code: number, error?: Error): Promise<void> {
    if (this.exited) return;
    this.exited = true;
    this.cancel();
    this.questions.dismiss();
    this.lifetime.abort(new InterruptedError());
    await this.idle.catch(() => undefined);
    await this.turns.stopWarming();
    await this.model.close();
    this.store.flush();
    this.deps.onExit(code, error);
  }
}
