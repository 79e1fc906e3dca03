import { Box, Text } from "ink";
import type { JSX } from "react";
import type { LogEntry } from "../state/types.js";
import { paint, toneColor, toneGlyph, type Theme } from "../theme.js";
import { DiffView } from "./DiffView.js";

/** Props of `LogEntryView`. */
export interface LogEntryViewProps {
  entry: LogEntry;
  theme: Theme;
}

/** Most lines of a test's output shown in the scrollback. */
const TEST_OUTPUT_LINES = 12;

/** Most lines of a `!CMD`'s output shown in the scrollback. */
const SHELL_OUTPUT_LINES = 20;

/** One scrollback entry (drawn once, inside `<Static>`). */
export function LogEntryView({ entry, theme }: LogEntryViewProps): JSX.Element {
  switch (entry.kind) {
    case "banner":
      return (
        <Box flexDirection="column">
          <Text>
            <Text bold color={paint(theme, "cyan")}>
              Spark
            </Text>
            {` · ${entry.cwd}`}
          </Text>
          <Text dimColor>Type a task and press Enter · /help for commands · Ctrl-C twice to exit</Text>
        </Box>
      );
    case "user":
      return (
        <Box marginTop={1}>
          <Text bold color={paint(theme, "cyan")}>
            {"› "}
          </Text>
          <Text bold>{entry.text}</Text>
        </Box>
      );
    case "prose":
      return <Text>{entry.text}</Text>;
    case "diff":
      return <DiffView path={entry.path} diff={entry.diff} theme={theme} />;
    case "edit-failed":
      return (
        <Text color={toneColor(theme, "error")}>
          {"✗ "}
          {entry.path === "" ? "reply" : entry.path}: {entry.reason}
        </Text>
      );
    case "test": {
      const ok = entry.exitCode === 0;
      const tail = ok ? [] : entry.output.replace(/\n$/, "").split("\n").slice(-TEST_OUTPUT_LINES);
      return (
        <Box flexDirection="column">
          <Text color={toneColor(theme, ok ? "ok" : "error")}>
            {ok ? `✓ test \`${entry.command}\` passed` : `✗ test \`${entry.command}\` failed (exit ${entry.exitCode})`}
          </Text>
          {tail.map((line, i) => (
            <Box key={i} paddingLeft={2}>
              <Text dimColor>{line === "" ? " " : line}</Text>
            </Box>
          ))}
        </Box>
      );
    }
    case "shell": {
      const all = entry.output === "" ? [] : entry.output.split("\n");
      const tail = all.slice(-SHELL_OUTPUT_LINES);
      const end = entry.cancelled ? "! stopped" : entry.exitCode === 0 ? "✓ exit 0" : `✗ exit ${entry.exitCode}`;
      const tone = entry.cancelled ? "warn" : entry.exitCode === 0 ? "ok" : "error";
      return (
        <Box flexDirection="column" marginTop={1}>
          <Text bold>{`$ ${entry.command}`}</Text>
          {all.length > tail.length ? <Text dimColor>{`  … ${all.length - tail.length} lines above`}</Text> : null}
          {tail.map((line, i) => (
            <Box key={i} paddingLeft={2}>
              <Text>{line === "" ? " " : line}</Text>
            </Box>
          ))}
          <Text color={toneColor(theme, tone)}>{end}</Text>
        </Box>
      );
    }
    case "notice":
      return (
        <Text color={toneColor(theme, entry.tone)} dimColor={entry.tone === "dim"}>
          {toneGlyph(entry.tone)}
          {entry.text}
        </Text>
      );
    case "list":
      return (
        <Box flexDirection="column">
          <Text bold>{entry.title}</Text>
          {entry.lines.map((line, i) => (
            <Box key={i} paddingLeft={2}>
              <Text>{line === "" ? " " : line}</Text>
            </Box>
          ))}
        </Box>
      );
  }
}
