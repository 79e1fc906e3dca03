import { Box, Text } from "ink";
import type { JSX } from "react";
import { plural } from "../format.js";
import type { Question } from "../state/types.js";
import { paint, type Theme } from "../theme.js";

/** Props of `QuestionPrompt`. */
export interface QuestionPromptProps {
  question: Question;
  theme: Theme;
}

/** The question and its answers: "Apply 2 files (+5 -1)?", "Run `npm test`?", "Add the output …?". */
export function QuestionPrompt({ question, theme }: QuestionPromptProps): JSX.Element {
  const key = (k: string): JSX.Element => (
    <Text bold color={paint(theme, "yellow")}>
      {k}
    </Text>
  );
  let title: string;
  let answers: JSX.Element;
  switch (question.kind) {
    case "edit": {
      const added = question.files.reduce((n, f) => n + f.added, 0);
      const removed = question.files.reduce((n, f) => n + f.removed, 0);
      title = `Apply ${plural(question.files.length, "file")} (+${added} -${removed})?`;
      answers = (
        <Text>
          {key("y")} yes · {key("n")} no · {key("a")} always (auto-edit) · {key("e")} reply with a correction
        </Text>
      );
      break;
    }
    case "command":
      title = `Run \`${question.command}\`?`;
      answers = (
        <Text>
          {key("y")} yes · {key("n")} no · {key("a")} always (full)
        </Text>
      );
      break;
    case "attach":
      title = `Add the output of \`${question.command}\` to the conversation?`;
      answers = (
        <Text>
          {key("y")} yes, it goes with your next message · {key("n")} no
        </Text>
      );
      break;
  }
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text bold>{title}</Text>
      {answers}
    </Box>
  );
}
