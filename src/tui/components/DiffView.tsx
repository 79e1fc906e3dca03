import { Box, Text } from "ink";
import type { JSX } from "react";
import { diffCounts, diffLineKind, type DiffLineKind } from "../lines.js";
import { paint, type Theme } from "../theme.js";

/** Props of `DiffView`. */
export interface DiffViewProps {
  path: string;
  /** Unified diff (file headers are not drawn; the path is). */
  diff: string;
  theme: Theme;
}

const KIND_COLOR: Record<DiffLineKind, string | undefined> = {
  add: "green",
  remove: "red",
  hunk: "cyan",
  header: undefined,
  context: undefined,
};

/** One file's proposed change: a header with +/- counts, then the colored hunks. */
export function DiffView({ path, diff, theme }: DiffViewProps): JSX.Element {
  const { added, removed } = diffCounts(diff);
  const lines = diff.replace(/\n$/, "").split("\n").filter((l) => l !== "" && diffLineKind(l) !== "header");
  return (
    <Box flexDirection="column">
      <Text bold>
        {"● "}
        {path}{" "}
        <Text color={paint(theme, "green")}>+{added}</Text> <Text color={paint(theme, "red")}>-{removed}</Text>
      </Text>
      {lines.length === 0 ? <Text dimColor>(no change)</Text> : null}
      {lines.map((line, i) => {
        const kind = diffLineKind(line);
        const color = KIND_COLOR[kind];
        return (
          <Text key={i} color={color !== undefined ? paint(theme, color) : undefined} dimColor={kind === "hunk"}>
            {line}
          </Text>
        );
      })}
    </Box>
  );
}
