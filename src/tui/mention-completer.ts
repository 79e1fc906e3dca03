/**
 * The `@mention` menu: Tab on an `@word` lists the repository's files that match it best
 * (fuzzy, as fzf ranks), typing narrows the list, Up/Down choose, Tab or Enter takes one. The
 * file list comes from git (`git ls-files`), read again each time the menu opens.
 */
import { acceptMention, mentionAt, mentionedFiles, rankFiles } from "./mentions.js";
import type { Action, TuiState } from "./state/types.js";

/** What the menu needs. */
export interface MentionDeps {
  dispatch: (a: Action) => void;
  state: () => TuiState;
  /** The repository's files, repo-relative. */
  listFiles: () => Promise<string[]>;
}

/** Drives the mention menu. */
export class MentionCompleter {
  private files: string[] = [];

  constructor(private readonly deps: MentionDeps) {}

  /** Tab: opens the menu for the mention at the cursor (one match is taken at once). False when the cursor is in none. */
  async open(): Promise<boolean> {
    const { input } = this.deps.state();
    const q = mentionAt(input.text, input.cursor);
    if (q === undefined) return false;
    this.files = await this.deps.listFiles().catch(() => []);
    const items = rankFiles(this.files, q.query);
    if (items.length === 0) {
      this.deps.dispatch({ type: "ui.hint", text: `no file matches @${q.query}` });
      return true;
    }
    if (items.length === 1 && q.query !== "") this.take(items[0] ?? "");
    else this.deps.dispatch({ type: "ui.mention", menu: { items, selected: 0 } });
    return true;
  }

  /** After an edit while the menu is open: narrows it, or closes it when the cursor left the mention. */
  refresh(): void {
    if (this.deps.state().mention === undefined) return;
    const { input } = this.deps.state();
    const q = mentionAt(input.text, input.cursor);
    this.deps.dispatch({ type: "ui.mention", menu: q === undefined ? undefined : { items: rankFiles(this.files, q.query), selected: 0 } });
  }

  move(delta: number): void {
    this.deps.dispatch({ type: "ui.mention.move", delta });
  }

  /** Takes the selected file. */
  accept(): void {
    const menu = this.deps.state().mention;
    const file = menu?.items[menu.selected];
    if (file !== undefined) this.take(file);
    this.close();
  }

  close(): void {
    if (this.deps.state().mention !== undefined) this.deps.dispatch({ type: "ui.mention", menu: undefined });
  }

  /** The repository files `text` mentions (read from git only when it has an `@`). */
  async mentioned(text: string): Promise<string[]> {
    if (!text.includes("@")) return [];
    const files = await this.deps.listFiles().catch(() => [] as string[]);
    return mentionedFiles(text, new Set(files));
  }

  private take(file: string): void {
    const { input } = this.deps.state();
    const q = mentionAt(input.text, input.cursor);
    if (q === undefined) return;
    this.deps.dispatch({ type: "ui.input", input: acceptMention(input.text, input.cursor, q, file) });
  }
}
