import { Box, Text } from "ink";
import type { JSX } from "react";
import { layout, type EditorState } from "../input/editor.js";
import { paint, type Theme } from "../theme.js";

/** Props of `InputBox`. */
export interface InputBoxProps {
  editor: EditorState;
  /** Keys go here (false while a turn runs or a question is asked: drawn dim, no cursor). */
  active: boolean;
  theme: Theme;
  /** Shown when the editor is empty. Default none. */
  placeholder?: string;
}

/** The multi-line prompt with its cursor (an inverted cell, so it shows without color too). */
export function InputBox({ editor, active, theme, placeholder }: InputBoxProps): JSX.Element {
  const { lines, row, col } = layout(editor);
  const prompt = (
    <Text bold color={paint(theme, "cyan")} dimColor={!active}>
      {"› "}
    </Text>
  );
  if (editor.text === "" && placeholder !== undefined) {
    return (
      <Box>
        {prompt}
        {active ? <Text inverse> </Text> : null}
        <Text dimColor>{placeholder}</Text>
      </Box>
    );
  }
  return (
    <Box flexDirection="column">
      {lines.map((line, i) => (
        <Box key={i}>
          {i === 0 ? prompt : <Text>{"  "}</Text>}
          {active && i === row ? (
            <Text>
              {line.slice(0, col)}
              <Text inverse>{line.slice(col, col + 1) || " "}</Text>
              {line.slice(col + 1)}
            </Text>
          ) : (
            <Text dimColor={!active}>{line}</Text>
          )}
        </Box>
      ))}
    </Box>
  );
}
