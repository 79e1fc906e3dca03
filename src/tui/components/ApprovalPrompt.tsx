import { Box, Text } from "ink";
import type { JSX } from "react";
import { plural } from "../format.js";
import type { ProposalFile } from "../state/types.js";
import { paint, type Theme } from "../theme.js";

/** Props of `ApprovalPrompt`. */
export interface ApprovalPromptProps {
  files: readonly ProposalFile[];
  theme: Theme;
}

/** "Apply 2 files (+5 -1)?" with the four answers. */
export function ApprovalPrompt({ files, theme }: ApprovalPromptProps): JSX.Element {
  const added = files.reduce((n, f) => n + f.added, 0);
  const removed = files.reduce((n, f) => n + f.removed, 0);
  const key = (k: string): JSX.Element => (
    <Text bold color={paint(theme, "yellow")}>
      {k}
    </Text>
  );
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text bold>
        Apply {plural(files.length, "file")} (+{added} -{removed})?
      </Text>
      <Text>
        {key("y")} yes · {key("n")} no · {key("a")} always · {key("e")} reply with a correction
      </Text>
    </Box>
  );
}
