/** The slash commands: names, argument shapes and help, and parsing a line into one. */

/** Every slash command. */
export const SLASH_COMMANDS = [
  { name: "add", args: "FILE...", help: "focus the model on these files (or @FILE in a message)" },
  { name: "drop", args: "[FILE...]", help: "remove files from the focus (all without arguments)" },
  { name: "files", args: "", help: "list the focus files and the packed context" },
  { name: "ask", args: "[QUESTION]", help: "answer from the code, change nothing (alone: ask mode)" },
  { name: "mode", args: "[MODE]", help: "suggest, auto-edit, full or ask (Shift-Tab cycles)" },
  { name: "run", args: "CMD", help: "run CMD, offer its output to the model (same as !CMD)" },
  { name: "undo", args: "[ID] [--force]", help: "undo the last (or given) checkpoint's change" },
  { name: "redo", args: "", help: "re-apply what the last /undo or /rewind took back" },
  { name: "rewind", args: "", help: "back to before a turn: files, conversation (Esc Esc)" },
  { name: "diff", args: "", help: "show the last applied change" },
  { name: "checkpoints", args: "", help: "list checkpoints, newest first" },
  { name: "model", args: "[URI]", help: "show the model, or switch to another" },
  { name: "context", args: "[TASK]", help: "show how the context is used and what TASK would pack" },
  { name: "test", args: "[CMD|off]", help: "run CMD after each change, feed failures back" },
  { name: "clear", args: "", help: "start a new conversation and clear the screen" },
  { name: "help", args: "", help: "show this help" },
  { name: "exit", args: "", help: "leave Spark" },
] as const;

/** A slash command's name. */
export type SlashName = (typeof SLASH_COMMANDS)[number]["name"];

/** Commands whose arguments are paths (completed from the file system). */
export const PATH_COMMANDS: readonly SlashName[] = ["add", "drop"];

/** A parsed slash command. */
export interface SlashCommand {
  name: SlashName;
  /** Whitespace-separated arguments ("quoted words" keep their spaces). */
  args: string[];
  /** Everything after the name, trimmed (for /test CMD). */
  rest: string;
}

function isSlashName(s: string): s is SlashName {
  return SLASH_COMMANDS.some((c) => c.name === s);
}

/** Splits on whitespace, keeping "double" or 'single' quoted words whole. */
export function splitArgs(s: string): string[] {
  const out: string[] = [];
  for (const m of s.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) out.push(m[1] ?? m[2] ?? m[3] ?? "");
  return out;
}

/**
 * The command a submitted line asks for: undefined when the line is not a slash command (a task),
 * `{ error }` for an unknown one. A line starting with "//" is a task that starts with "/".
 */
export function parseSlash(line: string): SlashCommand | { error: string } | undefined {
  const text = line.trim();
  if (!text.startsWith("/") || text.startsWith("//")) return undefined;
  const m = /^\/(\S*)\s*([\s\S]*)$/.exec(text);
  const name = m?.[1] ?? "";
  const rest = (m?.[2] ?? "").trim();
  if (!isSlashName(name)) return { error: `unknown command /${name} (try /help)` };
  return { name, args: splitArgs(rest), rest };
}

/** The /help lines. */
export function helpLines(): string[] {
  const width = Math.max(...SLASH_COMMANDS.map((c) => `/${c.name} ${c.args}`.trimEnd().length));
  const lines: string[] = SLASH_COMMANDS.map((c) => `${`/${c.name} ${c.args}`.trimEnd().padEnd(width)}  ${c.help}`);
  lines.push(
    "",
    "Enter sends · \\ Enter or Alt+Enter: newline · Up/Down history · Tab completes",
    "!CMD runs a command in the repo (Esc stops it) · @FILE puts a file in focus",
    "Shift-Tab: suggest → auto-edit → ask (→ full once chosen), on the status bar",
    "Esc or Ctrl-C cancels a turn · Esc twice at an empty prompt rewinds",
    "Ctrl-C twice at the prompt exits · history is kept per repository",
    "A proposed change: y apply · n reject · a always (auto-edit) · e correct it",
    "spark --resume picks an earlier conversation; --continue takes the last",
  );
  return lines;
}
