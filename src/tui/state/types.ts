/**
 * The TUI's state and the UI actions its reducer takes besides the agent's events. Everything
 * here is plain data: the reducer is pure, the controller performs the effects.
 */
import type { AgentEvent, SessionStatus } from "../../agent/events.js";
import type { FormatName } from "../../edits/index.js";
import type { EditorState } from "../input/editor.js";
import type { HistoryState } from "../input/history.js";

/** What the keyboard currently drives. */
export type Mode = "starting" | "init-repo" | "idle" | "running" | "approval";

/** How a log line is colored. */
export type Tone = "plain" | "ok" | "warn" | "error" | "dim";

/** One entry of the scrollback (rendered once, in `<Static>`). */
export type LogEntry = { id: number } & (
  | { kind: "banner"; cwd: string }
  | { kind: "user"; text: string }
  | { kind: "prose"; text: string }
  | { kind: "diff"; path: string; diff: string }
  | { kind: "edit-failed"; path: string; reason: string }
  | { kind: "test"; command: string; exitCode: number; output: string }
  | { kind: "notice"; text: string; tone: Tone }
  | { kind: "list"; title: string; lines: string[] }
);

/** The part of a `LogEntry` a caller supplies (the reducer numbers it). */
export type LogItem = LogEntry extends infer E ? (E extends { id: number } ? Omit<E, "id"> : never) : never;

/** A progress bar: model download (bytes), model load (fraction), repo prefill (tokens). */
export interface Progress {
  phase: "download" | "load" | "prefill";
  done: number;
  total: number;
  /** When this phase started and how much was done then (for the rate), ms. */
  startedAt: number;
  startDone: number;
  /** When `done` was last updated, ms. */
  at: number;
}

/** One file of a pending approval. */
export interface ProposalFile {
  path: string;
  added: number;
  removed: number;
  created: boolean;
  deleted: boolean;
}

/** The turn being streamed. */
export interface LiveTurn {
  task: string;
  startedAt: number;
  /** Edit format of this turn, once an edit told it. */
  format: FormatName | undefined;
  /** The current round's raw text. */
  text: string;
  /** Raw characters of `text` already moved to the scrollback. */
  flushedRaw: number;
  /** Prose characters (as the format's parser reads `text`) already moved to the scrollback. */
  flushedProse: number;
  /** Diffs proposed in this turn by path (the latest per file), for `/diff` once applied. */
  proposed: Record<string, string>;
  applied: { path: string; added: number; removed: number }[];
  checkpoints: string[];
  /** Output tokens and decode rate over the turn's rounds. */
  outputTokens: number;
  decodeTps: number;
  /** Set when the person cancelled (a cancelled approval ends as "rejected"). */
  cancelled: boolean;
  /** The person answered `e`: their next message is a correction. */
  correcting: boolean;
  /** Set by an `error` event. */
  error: { message: string; code: string } | undefined;
}

/** Numbers the status bar shows. */
export interface StatusInfo {
  model: string | undefined;
  backend: string | undefined;
  contextSize: number;
  /** Prompt plus output tokens of the last request (context in use). */
  contextUsed: number;
  cachedTokens: number;
  /** Files and repo-context budget of the last pack. */
  files: number;
  budget: number;
  /** Live estimate while streaming, the measured decode rate after. */
  tokensPerSecond: number;
  checkpoint: string | undefined;
}

/** The whole TUI state. */
export interface TuiState {
  mode: Mode;
  log: LogEntry[];
  nextId: number;
  /** Bumped by /clear so `<Static>` starts over. */
  epoch: number;
  status: StatusInfo;
  progress: Progress | undefined;
  live: LiveTurn | undefined;
  approval: { files: ProposalFile[] } | undefined;
  /** `a` was answered (or `--yes`): apply without asking for the rest of the session. */
  autoApply: boolean;
  /** The last applied change (for /diff). */
  lastApplied: { path: string; diff: string }[];
  /** A Ctrl-C at the prompt would exit. */
  exitArmed: boolean;
  /** One transient line above the input. */
  hint: string | undefined;
  /** Completion candidates shown under the input. */
  completions: string[];
  input: EditorState;
  history: HistoryState;
  /** Where the repo is, once known; `init-repo` mode asks about this folder. */
  cwd: string;
}

/** UI actions (everything the reducer takes besides agent events). */
export type UiAction =
  | { type: "ui.progress"; phase: Progress["phase"]; done: number; total: number; at: number }
  | { type: "ui.progress.done" }
  | { type: "ui.ask-init"; cwd: string }
  | { type: "ui.ready" }
  | { type: "ui.turn.start"; task: string; at: number }
  | { type: "ui.turn.end"; status: SessionStatus; at: number }
  | { type: "ui.cancel" }
  | { type: "ui.rate"; tokensPerSecond: number }
  | { type: "ui.approval.ask"; files: ProposalFile[] }
  | { type: "ui.approval.answer"; answer: "yes" | "no" | "always" | "edit" }
  | { type: "ui.auto-apply"; on: boolean }
  | { type: "ui.log"; item: LogItem }
  | { type: "ui.checkpoint"; id: string }
  | { type: "ui.clear" }
  | { type: "ui.hint"; text: string | undefined }
  | { type: "ui.exit-armed"; armed: boolean }
  | { type: "ui.completions"; items: string[] }
  | { type: "ui.input"; input: EditorState }
  | { type: "ui.history"; history: HistoryState; input: EditorState }
  | { type: "ui.submitted"; text: string };

/** Everything the reducer takes. */
export type Action = AgentEvent | UiAction;
