import { Box, Text } from "ink";
import type { JSX } from "react";
import { tailLines } from "../lines.js";
import type { ShellView as ShellState } from "../state/types.js";
import { paint, type Theme } from "../theme.js";

/** Props of `ShellView`. */
export interface ShellViewProps {
  shell: ShellState;
  width: number;
  /** Most lines of output shown. */
  rows: number;
  theme: Theme;
}

/** A running `!CMD`: the tail of its output and a one-line state. */
export function ShellView({ shell, width, rows, theme }: ShellViewProps): JSX.Element {
  const lines = tailLines(shell.output, width, rows);
  return (
    <Box flexDirection="column">
      {lines.map((line, i) => (
        <Text key={i} wrap="truncate-end" dimColor>
          {line === "" ? " " : line}
        </Text>
      ))}
      <Text color={paint(theme, "magenta")} wrap="truncate-end">
        {`$ ${shell.command}`}
        <Text dimColor> (running; Esc to stop)</Text>
      </Text>
    </Box>
  );
}
