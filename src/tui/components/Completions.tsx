import { Text } from "ink";
import type { JSX } from "react";
import { fit } from "../format.js";

/** Props of `Completions`. */
export interface CompletionsProps {
  items: readonly string[];
  width: number;
}

/** Most candidates listed; the rest are counted. */
const MAX_SHOWN = 24;

/** Tab candidates on one line under the input. */
export function Completions({ items, width }: CompletionsProps): JSX.Element {
  const shown = items.slice(0, MAX_SHOWN).join("  ");
  const more = items.length > MAX_SHOWN ? `  (+${items.length - MAX_SHOWN} more)` : "";
  return (
    <Text dimColor wrap="truncate-end">
      {fit(`${shown}${more}`, width)}
    </Text>
  );
}
