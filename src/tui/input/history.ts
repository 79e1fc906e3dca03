/** Prompt history: Up and Down walk earlier submissions; the unfinished draft is kept aside. */

/** Submitted entries (oldest first) and where browsing is. */
export interface HistoryState {
  entries: string[];
  /** entries.length while not browsing. */
  index: number;
  /** What was typed before browsing started. */
  draft: string;
}

/** Most entries kept. */
export const HISTORY_LIMIT = 500;

export const emptyHistory: HistoryState = { entries: [], index: 0, draft: "" };

/** Records a submission (not blank ones, not a repeat of the last) and stops browsing. */
export function remember(h: HistoryState, text: string): HistoryState {
  const last = h.entries[h.entries.length - 1];
  const entries = text.trim() === "" || text === last ? h.entries : [...h.entries, text].slice(-HISTORY_LIMIT);
  return { entries, index: entries.length, draft: "" };
}

/** One entry back; undefined when there is none. `current` is what the editor holds now. */
export function older(h: HistoryState, current: string): { history: HistoryState; text: string } | undefined {
  if (h.index === 0) return undefined;
  const draft = h.index === h.entries.length ? current : h.draft;
  const index = h.index - 1;
  return { history: { ...h, index, draft }, text: h.entries[index] ?? "" };
}

/** One entry forward, ending at the draft; undefined when not browsing. */
export function newer(h: HistoryState): { history: HistoryState; text: string } | undefined {
  if (h.index >= h.entries.length) return undefined;
  const index = h.index + 1;
  const text = index === h.entries.length ? h.draft : (h.entries[index] ?? "");
  return { history: { ...h, index }, text };
}
