/**
 * `spark --resume`: lists this repository's past conversations (when, the first message, turns,
 * files touched) to pick one with the keyboard; `spark --resume ID` takes one directly. The
 * chosen conversation continues with the next message.
 */
import { conversationsDir } from "../agent/conversation.js";
import { listConversations, type ConversationSummary } from "../agent/conversation-store.js";
import { UsageError } from "../errors.js";
import { plural } from "./format.js";
import type { Action, PickerItem } from "./state/types.js";

/** What resuming needs. */
export interface ResumeDeps {
  dispatch: (a: Action) => void;
  /** Spark's cache folder (where conversations are kept); undefined: none are. */
  cacheDir: string | undefined;
  /** Makes the next turn continue conversation `id`. */
  resume: (id: string) => void;
}

/** "2025-01-02 13:45" (UTC, as /checkpoints shows times). */
function when(iso: string): string {
  return iso.slice(0, 16).replace("T", " ");
}

function oneLine(text: string, max: number): string {
  const line = text.trim().split("\n")[0] ?? "";
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** A conversation as one picker entry. */
export function conversationItem(c: ConversationSummary): PickerItem {
  const files = c.files.length === 0 ? "no files changed" : c.files.length <= 3 ? c.files.join(", ") : `${c.files.slice(0, 3).join(", ")} +${c.files.length - 3}`;
  return { label: `${when(c.updatedAt)}  ${c.id}  ${oneLine(c.firstMessage, 50) || "(no message recorded)"}`, detail: `${plural(c.turns, "turn")} · ${files}` };
}

/** The picker of past conversations. */
export class ResumePicker {
  private list: ConversationSummary[] = [];

  constructor(private readonly deps: ResumeDeps) {}

  /**
   * Starts resuming: `want` true opens the list (or says there is none); an id (or a unique
   * prefix) resumes that one. Returns a usage error when the id names no conversation.
   */
  async begin(root: string, want: true | string): Promise<UsageError | undefined> {
    const cache = this.deps.cacheDir;
    this.list = cache === undefined ? [] : await listConversations(conversationsDir(cache), root);
    if (want !== true) {
      const prefixed = this.list.filter((c) => c.id.startsWith(want));
      const match = this.list.find((c) => c.id === want) ?? (prefixed.length === 1 ? prefixed[0] : undefined);
      if (match === undefined) return new UsageError(`no conversation ${want} in this repository (spark --resume lists them)`);
      this.take(match);
      return undefined;
    }
    if (this.list.length === 0) {
      this.note("no earlier conversations in this repository: starting a new one", "plain");
      return undefined;
    }
    this.deps.dispatch({
      type: "ui.picker",
      picker: { kind: "resume", title: "Resume which conversation? (newest first; Esc starts a new one)", items: this.list.map(conversationItem), selected: 0 },
    });
    return undefined;
  }

  /** The person picked entry `i` (undefined: closed the list). */
  choose(i: number | undefined): void {
    const c = i === undefined ? undefined : this.list[i];
    if (c === undefined) return this.note("starting a new conversation", "plain");
    this.take(c);
  }

  private take(c: ConversationSummary): void {
    this.deps.resume(c.id);
    this.note(`resuming conversation ${c.id} from ${when(c.updatedAt)}: “${oneLine(c.firstMessage, 60)}” (${plural(c.turns, "turn")}); your next message continues it`, "ok");
  }

  private note(text: string, tone: "ok" | "plain"): void {
    this.deps.dispatch({ type: "ui.log", item: { kind: "notice", text, tone } });
  }
}
