/**
 * One conversation's state: its messages, what the model has seen of each file, its edit scope,
 * what the person typed, and where each turn of this process began (to rewind to it). Loaded
 * from and saved to the conversation store; the session decides what goes in.
 */
import path from "node:path";
import type { FileChange } from "../edits/index.js";
import { UsageError } from "../errors.js";
import type { ChatMessage } from "../inference/index.js";
import { loadConversation, newConversationId, saveConversation } from "./conversation-store.js";
import { blobHash } from "../context/index.js";

/** Where a turn began. */
interface TurnMark {
  /** Messages before the turn; undefined when the turn started a fresh conversation. */
  messages: number | undefined;
  seen: Map<string, string>;
  tasks: number;
  /** Fresh packs before the turn: a later one means `messages` no longer describes a prefix. */
  packs: number;
}

/** Where and how a conversation is persisted. */
export interface ConversationPlace {
  /** Spark's cache folder; undefined: nothing is persisted. */
  cacheDir: string | undefined;
  root: string;
  model: string;
}

/** Where conversations are kept under Spark's cache folder. */
export function conversationsDir(cacheDir: string): string {
  return path.join(cacheDir, "conversations");
}

/** The conversation of one session. */
export class Conversation {
  /** Undefined until the first turn packs the repository (or after a rewind to it). */
  messages: ChatMessage[] | undefined;
  /** Repo-relative path → blob hash of the content the model has seen. */
  seen = new Map<string, string>();
  /** Messages the backend has already been sent (its cached prefix). */
  sent = 0;
  private id = newConversationId();
  private createdAt = new Date().toISOString();
  private tasks: string[] = [];
  private touched = new Set<string>();
  private marks: TurnMark[] = [];
  private packs = 0;

  constructor(
    private readonly place: ConversationPlace,
    /** Files the edits must stay within; undefined = any file. */
    public scope: string[] | undefined,
  ) {}

  /** The stored conversation's id (`spark --resume ID`). */
  get conversationId(): string {
    return this.id;
  }

  /** Turns begun in this process (the index the next one gets). */
  get turnCount(): number {
    return this.marks.length;
  }

  /**
   * Loads a stored conversation: `resume` (an id or a unique prefix), else the newest when
   * `continueLast`. A missing `resume` is a usage error; a missing last one starts afresh.
   */
  async load(opts: { continueLast: boolean; resume: string | undefined; keepScope: boolean }): Promise<void> {
    const { cacheDir, root } = this.place;
    if ((!opts.continueLast && opts.resume === undefined) || cacheDir === undefined) return;
    const stored = await loadConversation(conversationsDir(cacheDir), root, opts.resume);
    if (stored === undefined) {
      if (opts.resume !== undefined) throw new UsageError(`no conversation ${opts.resume} in this repository (spark --resume lists them)`);
      return;
    }
    this.id = stored.id;
    this.createdAt = stored.createdAt;
    this.tasks = [...stored.tasks];
    this.touched = new Set(stored.files);
    this.messages = stored.messages;
    this.seen = new Map(Object.entries(stored.seen));
    if (this.scope === undefined && opts.keepScope && stored.scope.length > 0) this.scope = stored.scope;
  }

  /** Marks where a turn begins; `label` is what the person typed. Returns the turn's index. */
  beginTurn(label: string): number {
    this.marks.push({ messages: this.messages?.length, seen: new Map(this.seen), tasks: this.tasks.length, packs: this.packs });
    this.tasks.push(label);
    return this.marks.length - 1;
  }

  /** A fresh pack replaces the messages. */
  startFresh(messages: ChatMessage[], seen: Map<string, string>): void {
    this.messages = messages;
    this.seen = seen;
    this.sent = 0;
    this.packs++;
  }

  /** Files a plan wrote: the model has seen their new content. */
  remember(files: readonly FileChange[]): void {
    for (const f of files) {
      this.touched.add(f.path);
      if (f.afterBytes === undefined) this.seen.delete(f.path);
      else this.seen.set(f.path, blobHash(f.afterBytes));
    }
  }

  /** Forgets turn `index` and every later one: the conversation is as it was before it. */
  rewind(index: number): void {
    const mark = this.marks[index];
    if (mark === undefined) return;
    this.marks = this.marks.slice(0, index);
    this.tasks = this.tasks.slice(0, mark.tasks);
    this.seen = new Map(mark.seen);
    const keep = mark.packs === this.packs ? mark.messages : undefined;
    this.messages = keep === undefined ? undefined : this.messages?.slice(0, keep);
    this.sent = Math.min(this.sent, this.messages?.length ?? 0);
  }

  /** Saves it (a failure is ignored: losing --continue state must not fail the task). */
  async save(): Promise<void> {
    const { cacheDir, root, model } = this.place;
    if (cacheDir === undefined || this.messages === undefined) return;
    await saveConversation(conversationsDir(cacheDir), {
      version: 2,
      id: this.id,
      root,
      model,
      messages: this.messages,
      seen: Object.fromEntries(this.seen),
      scope: this.scope ?? [],
      tasks: this.tasks,
      files: [...this.touched].sort(),
      createdAt: this.createdAt,
      updatedAt: new Date().toISOString(),
    }).catch(() => undefined);
  }
}
