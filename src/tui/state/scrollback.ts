/** Growing the scrollback: numbered entries, and the streamed prose moved into it. */
import { proseOf, trimBlankLines } from "./reply-split.js";
import type { LiveTurn, LogItem, TuiState } from "./types.js";

/** Appends scrollback entries. */
export function appendLog(state: TuiState, items: readonly LogItem[]): TuiState {
  if (items.length === 0) return state;
  let nextId = state.nextId;
  const added = items.map((item) => ({ ...item, id: nextId++ }) as TuiState["log"][number]);
  return { ...state, log: [...state.log, ...added], nextId };
}

/** Moves the prose streamed since the last flush into the scrollback. */
export function flushProse(live: LiveTurn, final: boolean, ask = false): { live: LiveTurn; items: LogItem[] } {
  if (live.format === undefined && !final) return { live, items: [] };
  // A question's reply is all prose: whatever blocks it holds were never parsed or applied.
  const prose = ask ? live.text : proseOf(live.text, live.format, final);
  const fresh = trimBlankLines(prose.slice(live.flushedProse));
  const items: LogItem[] = fresh.length > 0 ? [{ kind: "prose", text: fresh }] : [];
  const next = final ? { ...live, text: "", flushedProse: 0, flushedRaw: 0 } : { ...live, flushedProse: prose.length, flushedRaw: live.text.length };
  return { live: next, items };
}

/** `state` with `live` as the turn and `items` appended. */
export function withLive(state: TuiState, live: LiveTurn, items: readonly LogItem[] = []): TuiState {
  return appendLog({ ...state, live }, items);
}
