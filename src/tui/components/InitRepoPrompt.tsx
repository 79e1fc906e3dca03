import { Box, Text } from "ink";
import type { JSX } from "react";
import { paint, type Theme } from "../theme.js";

/** Props of `InitRepoPrompt`. */
export interface InitRepoPromptProps {
  cwd: string;
  theme: Theme;
}

/** Outside a git repository: offer `git init` (checkpoints need git). */
export function InitRepoPrompt({ cwd, theme }: InitRepoPromptProps): JSX.Element {
  return (
    <Box flexDirection="column">
      <Text color={paint(theme, "yellow")}>{`${cwd} is not a git repository.`}</Text>
      <Text>Spark keeps a checkpoint before every change, which needs git.</Text>
      <Text bold>Run git init here? (y/n)</Text>
    </Box>
  );
}
