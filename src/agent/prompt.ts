/**
 * The lean prompt: a fixed system text with both edit formats' rules (≈ 700 tokens in all, where
 * other agents send 9k–20k), then one user message with the repository and the task. The system
 * text never varies, so the repo prefix after it stays cached from one run to the next; what
 * varies (format to use, edit scope, the task) comes last.
 */
import { formats, type FormatName } from "../edits/index.js";
import type { ChatMessage } from "../inference/index.js";

const ROLE = `You are Spark, a pair programmer working in the user's git repository. The repository's files come first (files that did not fit are listed by name), then the task.

- Make the smallest change that does the task well, in the style of the surrounding code.
- Edit only what the task needs. Do not guess at code you cannot see; if you need a file that is only listed, say so.
- Begin with one short sentence saying what you will change, then the edits. No further explanation unless asked.
- If the task is a question, answer it briefly without edits.
- When shown an error or test output, fix its cause and resend the edits.

There are two ways to write edits; the end of the task says which one to use.`;

/** The fixed system prompt (identical for every task, so it is always a cached prefix). */
export const SYSTEM_PROMPT = `${ROLE}

## Way 1: whole-file blocks
${formats.whole.instructions}

## Way 2: SEARCH/REPLACE blocks
${formats["search-replace"].instructions}
`;

const FORMAT_LINE: Record<FormatName, string> = {
  whole: "Write edits as whole-file blocks (way 1).",
  "search-replace": "Write edits as SEARCH/REPLACE blocks (way 2).",
  udiff: "Write edits as a unified diff.",
};

/** Ends a question's message (`/ask`, `--ask`): no edit format, nothing will be applied. */
const ASK_LINE = "This is a question: answer it in prose. Write no edits; nothing will be applied.";

/** What goes into the first user message. */
export interface TaskMessageInput {
  /** Packed repository text (file blocks and the tree listing). */
  context: string;
  task: string;
  format: FormatName;
  /** Files the edits must stay within; empty or undefined means any file. */
  scope?: readonly string[];
  /** Targets that do not exist yet. Default none. */
  newFiles?: readonly string[];
  /** A question: ask for no edit format (the format line is left out). Default false. */
  ask?: boolean;
}

/** The task part (everything after the repository text), also used for follow-up turns. */
export function taskText(input: Omit<TaskMessageInput, "context">): string {
  const lines = [`# Task\n${input.task.trim()}`, ""];
  if (input.newFiles !== undefined && input.newFiles.length > 0) lines.push(`New files to create: ${input.newFiles.join(", ")}.`);
  if (input.scope !== undefined && input.scope.length > 0) lines.push(`Edit only: ${input.scope.join(", ")}.`);
  lines.push(input.ask === true ? ASK_LINE : FORMAT_LINE[input.format]);
  return lines.join("\n");
}

/** The first user message: repository, then task. */
export function taskMessage(input: TaskMessageInput): string {
  return `${input.context}${taskText(input)}`;
}

/** System + first user message. */
export function firstMessages(input: TaskMessageInput): ChatMessage[] {
  return [
    { role: "system", content: SYSTEM_PROMPT },
    { role: "user", content: taskMessage(input) },
  ];
}
