/**
 * What each slash command does. The controller hands in what they may touch; git only through
 * the injected functions (src/git in the real program).
 */
import { formatContextReport, previewContext } from "../../agent/context-preview.js";
import type { CheckpointInfo, UndoOptions, UndoResult } from "../../git/index.js";
import { cacheDir } from "../../paths.js";
import { formatCount, plural } from "../format.js";
import { shortModelName } from "../lines.js";
import type { Rewinder } from "../rewind.js";
import type { LogItem, TuiState, WorkMode } from "../state/types.js";
import { WORK_MODE_LINES } from "../state/work-mode.js";
import type { FocusFiles } from "../focus.js";
import { helpLines, type SlashCommand } from "./commands.js";

/** The git operations the TUI uses. */
export interface TuiGit {
  findRepoRoot(cwd: string): Promise<string>;
  initRepo(cwd: string): Promise<string>;
  undoCheckpoint(root: string, id?: string, opts?: UndoOptions): Promise<UndoResult>;
  listCheckpoints(root: string): Promise<CheckpointInfo[]>;
  /** The repository's files (tracked, and untracked but not ignored), repo-relative. */
  listFiles(root: string): Promise<string[]>;
}

const WORK_MODES: readonly WorkMode[] = ["suggest", "auto-edit", "full", "ask"];

/** What a slash command can see and do. */
export interface SlashHost {
  state(): TuiState;
  log(item: LogItem): void;
  setCheckpoint(id: string): void;
  git: TuiGit;
  root: string;
  focus: FocusFiles;
  /** The command run after each applied change (`--test`, /test). */
  test: { command: string | undefined };
  switchModel(uri: string): void;
  clear(): void;
  exit(): void;
  /** Runs a question turn (`/ask QUESTION`). */
  ask(question: string): Promise<void>;
  setMode(mode: WorkMode): void;
  /** Runs a command as `!CMD` does. */
  runShell(command: string): Promise<void>;
  rewinder: Rewinder;
}

/** Budget of `/context`'s preview before a turn has set one. */
const PREVIEW_BUDGET = 24_000;
/** Rows `/context` shows. */
const PREVIEW_ROWS = 20;

/** Runs one slash command. Failures become an error line, never an exception. */
export async function runSlash(cmd: SlashCommand, host: SlashHost): Promise<void> {
  try {
    await run(cmd, host);
  } catch (err) {
    host.log({ kind: "notice", text: err instanceof Error ? err.message.split("\n")[0] ?? "" : String(err), tone: "error" });
  }
}

async function run(cmd: SlashCommand, host: SlashHost): Promise<void> {
  const notice = (text: string, tone: "ok" | "warn" | "error" | "plain" = "plain"): void => host.log({ kind: "notice", text, tone });
  switch (cmd.name) {
    case "help":
      return host.log({ kind: "list", title: "Commands", lines: helpLines() });
    case "exit":
      return host.exit();
    case "add": {
      if (cmd.args.length === 0) return notice("usage: /add FILE...", "warn");
      const missing = await host.focus.add(cmd.args);
      if (missing.length > 0) notice(`no such file: ${missing.join(", ")}`, "error");
      return notice(`focus: ${host.focus.files.length > 0 ? host.focus.files.join(", ") : "(none)"}`);
    }
    case "drop":
      host.focus.drop(cmd.args);
      return notice(`focus: ${host.focus.files.length > 0 ? host.focus.files.join(", ") : "(none)"}`);
    case "files": {
      const s = host.state().status;
      const lines = host.focus.files.length > 0 ? host.focus.files : ["(no focus files: /add FILE)"];
      return host.log({ kind: "list", title: `Focus files · ${plural(s.files, "file")} packed in the context`, lines });
    }
    case "ask":
      if (cmd.rest === "") return host.setMode("ask");
      return host.ask(cmd.rest);
    case "mode": {
      if (cmd.rest === "") {
        const lines = WORK_MODES.map((m) => `${m === host.state().status.mode ? "▸" : " "} ${WORK_MODE_LINES[m]}`);
        return host.log({ kind: "list", title: "Mode (/mode NAME sets it; Shift-Tab cycles)", lines });
      }
      const mode = WORK_MODES.find((m) => m === cmd.rest);
      if (mode === undefined) return notice(`unknown mode ${cmd.rest} (suggest, auto-edit, full or ask)`, "error");
      return host.setMode(mode);
    }
    case "run":
      if (cmd.rest === "") return notice("usage: /run CMD (or !CMD)", "warn");
      return host.runShell(cmd.rest);
    case "rewind":
      return host.rewinder.open();
    case "redo":
      return host.rewinder.redo();
    case "undo": {
      const force = cmd.args.includes("--force");
      const result = await host.git.undoCheckpoint(host.root, cmd.args.find((a) => a !== "--force"), { force });
      host.rewinder.noteUndo(result.safety.id);
      host.setCheckpoint(result.safety.id);
      const changed = result.changed.length > 0 ? result.changed.join(", ") : "nothing changed";
      return notice(`restored checkpoint ${result.restored.id}: ${changed} (/undo ${result.safety.id} redoes it)`, "ok");
    }
    case "diff": {
      const applied = host.state().lastApplied;
      if (applied.length === 0) return notice("nothing applied in this session yet");
      for (const f of applied) host.log({ kind: "diff", path: f.path, diff: f.diff });
      return;
    }
    case "checkpoints": {
      const list = await host.git.listCheckpoints(host.root);
      if (list.length === 0) return notice("no checkpoints yet");
      const lines = list.map((c) => `${c.id.padStart(4)}  ${c.time.toISOString().slice(0, 16).replace("T", " ")}  ${c.task}${c.files.length > 0 ? ` (${c.files.join(", ")})` : ""}`);
      return host.log({ kind: "list", title: "Checkpoints (newest first; /undo ID restores one)", lines });
    }
    case "model": {
      if (cmd.rest !== "") return host.switchModel(cmd.rest);
      const s = host.state().status;
      if (s.model === undefined) return notice("no model loaded yet");
      return notice(`${shortModelName(s.model)} (${s.model}) · ${s.backend ?? "?"} · ${formatCount(s.contextSize)} context`);
    }
    case "context": {
      const s = host.state().status;
      const pct = s.contextSize > 0 ? Math.round((100 * s.contextUsed) / s.contextSize) : 0;
      host.log({
        kind: "list",
        title: "Context",
        lines: [
          `size      ${s.contextSize} tokens`,
          `in use    ${s.contextUsed} tokens (${pct}%), last request's prompt and reply`,
          `cached    ${s.cachedTokens} tokens reused from the KV cache`,
          `repo      ${plural(s.files, "file")} packed, budget ${s.budget} tokens`,
        ],
      });
      // What a task would pack (as `spark context TASK` prints it), best-ranked rows first.
      const budget = s.budget > 0 ? s.budget : PREVIEW_BUDGET;
      const report = await previewContext({ root: host.root, task: cmd.rest, budget, cacheDir: cacheDir() });
      const rows = [...report.files].sort((a, b) => a.rank - b.rank);
      const lines = formatContextReport({ ...report, files: rows }, { maxRows: PREVIEW_ROWS });
      return host.log({ kind: "list", title: cmd.rest !== "" ? `Would pack for "${cmd.rest}"` : "Would pack for an empty task (/context TASK ranks for TASK)", lines });
    }
    case "test": {
      if (cmd.rest === "") return notice(host.test.command !== undefined ? `test command: ${host.test.command}` : "no test command (/test CMD sets one)");
      if (cmd.rest === "off") {
        host.test.command = undefined;
        return notice("test command off");
      }
      host.test.command = cmd.rest;
      return notice(`after each applied change: ${cmd.rest}`);
    }
    case "clear":
      return host.clear();
  }
}
