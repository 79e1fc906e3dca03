import { Box, Text } from "ink";
import type { JSX } from "react";
import { fit } from "../format.js";
import type { Picker } from "../state/types.js";
import { paint, type Theme } from "../theme.js";

/** Props of `PickerView`. */
export interface PickerViewProps {
  picker: Picker;
  width: number;
  /** Most entries shown at once (the list scrolls with the selection). */
  rows: number;
  theme: Theme;
}

/** A list to choose from with the arrows and Enter: this session's turns, or past conversations. */
export function PickerView({ picker, width, rows, theme }: PickerViewProps): JSX.Element {
  const shown = Math.max(1, rows);
  const first = Math.max(0, Math.min(picker.selected - Math.floor(shown / 2), picker.items.length - shown));
  const items = picker.items.slice(first, first + shown);
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text bold>{picker.title}</Text>
      {items.map((item, i) => {
        const selected = first + i === picker.selected;
        const line = fit(`${selected ? "▸ " : "  "}${item.label}${item.detail !== "" ? `  ${item.detail}` : ""}`, width);
        return (
          <Text key={first + i} wrap="truncate-end" inverse={selected} color={selected ? paint(theme, "cyan") : undefined}>
            {line}
          </Text>
        );
      })}
      <Text dimColor>Up/Down move · Enter chooses · Esc closes</Text>
    </Box>
  );
}
