import { Box, Text } from "ink";
import type { JSX } from "react";
import { fit } from "../format.js";
import { statusSegments, type Segment } from "../lines.js";
import type { StatusInfo } from "../state/types.js";
import { paint, type Theme } from "../theme.js";

/** Props of `StatusBar`. */
export interface StatusBarProps {
  status: StatusInfo;
  width: number;
  theme: Theme;
}

const SEGMENT_COLOR: Partial<Record<Segment["key"], string>> = { model: "cyan", speed: "green", checkpoint: "yellow" };
const MODE_COLOR: Record<StatusInfo["mode"], string | undefined> = { suggest: undefined, "auto-edit": "yellow", full: "red", ask: "magenta" };

/** One line: mode · model · backend · tok/s · context bar · cached · last checkpoint (fits `width`). */
export function StatusBar({ status, width, theme }: StatusBarProps): JSX.Element {
  const segments = statusSegments(status, width);
  return (
    <Box width={width}>
      <Text wrap="truncate-end">
        {segments.map((seg, i) => {
          const color = seg.key === "mode" ? MODE_COLOR[status.mode] : SEGMENT_COLOR[seg.key];
          return (
            <Text key={seg.key}>
              {i > 0 ? <Text dimColor>{" · "}</Text> : null}
              <Text color={color !== undefined ? paint(theme, color) : undefined}>{fit(seg.text, width)}</Text>
            </Text>
          );
        })}
      </Text>
    </Box>
  );
}
