/**
 * /rewind (Esc twice at an empty prompt) and /redo. Rewinding to a turn restores the files to
 * before it through its checkpoint (git only through the injected `TuiGit`), forgets it and the
 * later turns in the conversation, and puts its message back in the prompt. /redo re-applies
 * what the last /undo or rewind took back, by restoring the safety checkpoint it left.
 */
import type { UndoResult } from "../git/index.js";
import { plural } from "./format.js";
import type { Action, LogItem } from "./state/types.js";
import type { TurnRecord } from "./turn-runner.js";

/** What rewinding needs. */
export interface RewindDeps {
  dispatch: (a: Action) => void;
  undoCheckpoint(id: string): Promise<UndoResult>;
  /** This conversation's turns, oldest first. */
  records(): readonly TurnRecord[];
  /** Forgets turn `i` of `records()` and the later ones in the conversation. */
  forget(i: number): Promise<void>;
}

/** The first line of a message, cut for a list. */
function firstLine(text: string, max = 60): string {
  const line = text.trim().split("\n")[0] ?? "";
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** Rewind and redo for one session. */
export class Rewinder {
  /** Safety checkpoints of undos and rewinds, newest last: what /redo restores. */
  private undone: string[] = [];

  constructor(private readonly deps: RewindDeps) {}

  private log(item: LogItem): void {
    this.deps.dispatch({ type: "ui.log", item });
  }

  /** An /undo took a change back; `safety` brings it back. */
  noteUndo(safety: string): void {
    this.undone.push(safety);
  }

  /** A new change was applied: what was undone before it can no longer be redone over it. */
  forgetRedo(): void {
    this.undone = [];
  }

  /** Opens the list of this conversation's turns (the newest selected). */
  open(): void {
    const records = this.deps.records();
    if (records.length === 0) {
      this.log({ kind: "notice", text: "nothing to rewind: no turns in this conversation yet", tone: "plain" });
      return;
    }
    const items = records.map((r, i) => ({
      label: `${i + 1}. ${firstLine(r.task)}`,
      detail: r.ask ? "(question)" : r.checkpoints.length > 0 ? `(changed files · checkpoint ${r.checkpoints[0] ?? ""})` : "(no changes)",
    }));
    this.deps.dispatch({
      type: "ui.picker",
      picker: { kind: "rewind", title: "Rewind to before which turn? Its files are restored and its message comes back to edit.", items, selected: items.length - 1 },
    });
  }

  /** Rewinds to before turn `i`: files, conversation, and the message back in the prompt. */
  async choose(i: number): Promise<void> {
    const records = this.deps.records();
    const record = records[i];
    if (record === undefined) return;
    const checkpoint = records.slice(i).flatMap((r) => r.checkpoints)[0];
    let files = "files unchanged";
    if (checkpoint !== undefined) {
      const result = await this.deps.undoCheckpoint(checkpoint);
      this.noteUndo(result.safety.id);
      this.deps.dispatch({ type: "ui.checkpoint", id: result.safety.id });
      files = result.changed.length > 0 ? `restored ${result.changed.join(", ")} (checkpoint ${checkpoint}; /redo brings them back)` : "files unchanged";
    }
    await this.deps.forget(i);
    const later = records.length - i;
    this.log({ kind: "notice", text: `rewound ${plural(later, "turn")} to before “${firstLine(record.task)}”: ${files}. Edit the message and press Enter to send it again.`, tone: "ok" });
    this.deps.dispatch({ type: "ui.restore-input", text: record.task });
  }

  /** Re-applies what the last /undo or rewind took back. */
  async redo(): Promise<void> {
    const safety = this.undone.pop();
    if (safety === undefined) {
      this.log({ kind: "notice", text: "nothing to redo (/redo re-applies what /undo or /rewind took back)", tone: "plain" });
      return;
    }
    const result = await this.deps.undoCheckpoint(safety);
    this.deps.dispatch({ type: "ui.checkpoint", id: result.safety.id });
    const changed = result.changed.length > 0 ? result.changed.join(", ") : "nothing changed";
    this.log({ kind: "notice", text: `redone: restored checkpoint ${safety}: ${changed} (/undo takes it back)`, tone: "ok" });
  }
}
