/**
 * The TUI's state and the UI actions its reducer takes besides the agent's events. Everything
 * here is plain data: the reducer is pure, the controller performs the effects.
 */
import type { ApprovalMode } from "../../agent/approval-mode.js";
import type { AgentEvent, SessionStatus } from "../../agent/events.js";
import type { FormatName } from "../../edits/index.js";
import type { EditorState } from "../input/editor.js";
import type { HistoryState } from "../input/history.js";

/** What the keyboard currently drives. `shell`: a `!CMD` runs; `pick`: a list is open (/rewind, --resume). */
export type Mode = "starting" | "init-repo" | "idle" | "running" | "approval" | "shell" | "pick";

/** What turns may do: an approval mode, or `ask` (questions only, nothing applied). Shift-Tab cycles. */
export type WorkMode = ApprovalMode | "ask";

/** How a log line is colored. */
export type Tone = "plain" | "ok" | "warn" | "error" | "dim";

/** One entry of the scrollback (rendered once, in `<Static>`). */
export type LogEntry = { id: number } & (
  | { kind: "banner"; cwd: string }
  | { kind: "user"; text: string; ask: boolean }
  | { kind: "prose"; text: string }
  | { kind: "diff"; path: string; diff: string }
  | { kind: "edit-failed"; path: string; reason: string }
  | { kind: "test"; command: string; exitCode: number; output: string }
  | { kind: "notice"; text: string; tone: Tone }
  | { kind: "list"; title: string; lines: string[] }
  | { kind: "shell"; command: string; exitCode: number; output: string; cancelled: boolean }
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

/** A question the keyboard answers: apply an edit, run the test command, attach a `!CMD`'s output. */
export type Question =
  | { kind: "edit"; files: ProposalFile[] }
  | { kind: "command"; command: string }
  | { kind: "attach"; command: string; exitCode: number };

/** An answer: y, n, a (always) or e (correct it). */
export type Answer = "yes" | "no" | "always" | "edit";

/** The answers each kind of question takes. */
export const ANSWERS: Record<Question["kind"], readonly Answer[]> = {
  edit: ["yes", "no", "always", "edit"],
  command: ["yes", "no", "always"],
  attach: ["yes", "no"],
};

/** A `!CMD` while it runs. */
export interface ShellView {
  command: string;
  /** Output so far (the tail, when long). */
  output: string;
}

/** A `!CMD`'s output that goes with the next message. */
export interface Attachment {
  command: string;
  exitCode: number;
  output: string;
}

/** One entry of a picker. */
export interface PickerItem {
  label: string;
  detail: string;
}

/** A list to pick one entry from: this session's turns (/rewind) or past conversations (--resume). */
export interface Picker {
  kind: "rewind" | "resume";
  title: string;
  items: PickerItem[];
  selected: number;
}

/** Fuzzy matches for the `@mention` at the cursor. */
export interface MentionMenu {
  items: string[];
  selected: number;
}

/** The turn being streamed. */
export interface LiveTurn {
  task: string;
  /** A question (`/ask`, ask mode): the reply is all prose. */
  ask: boolean;
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

/** What the status bar shows. */
export interface StatusInfo {
  /** What turns may do (first on the bar: it decides what happens without asking). */
  mode: WorkMode;
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
  question: Question | undefined;
  /** `full` is one of the modes Shift-Tab cycles through (started with it, or chosen with /mode or `a`). */
  fullInCycle: boolean;
  /** The running `!CMD`. */
  shell: ShellView | undefined;
  /** `!CMD` outputs that go with the next message. */
  attachments: Attachment[];
  picker: Picker | undefined;
  mention: MentionMenu | undefined;
  /** An Esc at the empty prompt would open /rewind. */
  escArmed: boolean;
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
  | { type: "ui.turn.start"; task: string; at: number; ask?: boolean }
  | { type: "ui.turn.end"; status: SessionStatus; at: number }
  | { type: "ui.cancel" }
  | { type: "ui.rate"; tokensPerSecond: number }
  | { type: "ui.question"; question: Question }
  | { type: "ui.answer"; answer: Answer }
  | { type: "ui.work-mode"; mode: WorkMode }
  | { type: "ui.shell.start"; command: string }
  | { type: "ui.shell.output"; text: string }
  | { type: "ui.shell.end"; exitCode: number; output: string; cancelled: boolean }
  | { type: "ui.attach"; attachment: Attachment }
  | { type: "ui.picker"; picker: Picker | undefined }
  | { type: "ui.picker.move"; delta: number }
  | { type: "ui.mention"; menu: MentionMenu | undefined }
  | { type: "ui.mention.move"; delta: number }
  | { type: "ui.esc-armed"; armed: boolean }
  | { type: "ui.log"; item: LogItem }
  | { type: "ui.checkpoint"; id: string }
  | { type: "ui.clear" }
  | { type: "ui.hint"; text: string | undefined }
  | { type: "ui.exit-armed"; armed: boolean }
  | { type: "ui.completions"; items: string[] }
  | { type: "ui.input"; input: EditorState }
  | { type: "ui.history"; history: HistoryState; input: EditorState }
  | { type: "ui.submitted"; text: string }
  /** Puts text in the prompt (a rewound turn's message, to edit and resend). */
  | { type: "ui.restore-input"; text: string };

/** Everything the reducer takes. */
export type Action = AgentEvent | UiAction;
