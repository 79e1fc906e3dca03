import { Text } from "ink";
import type { JSX } from "react";
import { progressLine } from "../lines.js";
import type { Progress } from "../state/types.js";
import { paint, type Theme } from "../theme.js";

/** Props of `ProgressBar`. */
export interface ProgressBarProps {
  progress: Progress;
  width: number;
  theme: Theme;
}

/** Model download or load, or the first repo prefill: bar, amounts, rate, ETA. */
export function ProgressBar({ progress, width, theme }: ProgressBarProps): JSX.Element {
  return (
    <Text color={paint(theme, "cyan")} wrap="truncate-end">
      {progressLine(progress, width)}
    </Text>
  );
}
