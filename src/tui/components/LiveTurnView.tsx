import { Box, Text } from "ink";
import type { JSX } from "react";
import { tailLines } from "../lines.js";
import type { LiveTurn } from "../state/types.js";
import { paint, type Theme } from "../theme.js";

/** Props of `LiveTurnView`. */
export interface LiveTurnViewProps {
  live: LiveTurn;
  width: number;
  /** Most lines of streaming text shown. */
  rows: number;
  /** A question is on screen: the state line gives way to it. */
  asking: boolean;
  theme: Theme;
}

/**
 * The turn being streamed: a one-line state, then the last lines of text not yet moved to the
 * scrollback (closed edits already are, as diffs). Only the tail is drawn, so a long reply costs
 * the same per frame as a short one.
 */
export function LiveTurnView({ live, width, rows, asking, theme }: LiveTurnViewProps): JSX.Element {
  const pending = live.text.slice(live.flushedRaw);
  const lines = tailLines(pending, width, rows);
  const state = live.cancelled ? "cancelling…" : live.text.length > 0 ? "writing…" : live.outputTokens > 0 ? "working…" : "thinking…";
  return (
    <Box flexDirection="column">
      {lines.map((line, i) => (
        <Text key={i} wrap="truncate-end">
          {line === "" ? " " : line}
        </Text>
      ))}
      {asking ? null : (
        <Text color={paint(theme, "magenta")}>
          {"● "}
          {state}
          <Text dimColor> (Esc to cancel)</Text>
        </Text>
      )}
    </Box>
  );
}
