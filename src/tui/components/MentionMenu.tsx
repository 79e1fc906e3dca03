import { Box, Text } from "ink";
import type { JSX } from "react";
import { fit } from "../format.js";
import type { MentionMenu as MenuState } from "../state/types.js";

/** Props of `MentionMenu`. */
export interface MentionMenuProps {
  menu: MenuState;
  width: number;
}

/** The files matching the `@mention` being typed, best first; the selected one inverted. */
export function MentionMenu({ menu, width }: MentionMenuProps): JSX.Element {
  return (
    <Box flexDirection="column">
      {menu.items.map((item, i) => (
        <Text key={item} wrap="truncate-end" inverse={i === menu.selected} dimColor={i !== menu.selected}>
          {fit(`  @${item}`, width)}
        </Text>
      ))}
      <Text dimColor>Tab or Enter takes it · Up/Down move · Esc closes</Text>
    </Box>
  );
}
