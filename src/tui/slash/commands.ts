/** The slash commands: names, argument shapes and help, and parsing a line into one. */

/** Every slash command. */
export const SLASH_COMMANDS = [
  { name: "add", args: "FILE...", help: "focus the model on these files" },
  { name: "drop", args: "[FILE...]", help: "remove files from the focus (all without arguments)" },
  { name: "files", args: "", help: "list the focus files and the packed context" },
  { name: "undo", args: "[CHECKPOINT]", help: "restore files to before the last (or given) checkpoint" },
  { name: "diff", args: "", help: "show the last applied change" },
  { name: "checkpoints", args: "", help: "list checkpoints, newest first" },
  { name: "model", args: "[URI]", help: "show the model, or switch to another" },
  { name: "context", args: "", help: "show how the context is used" },
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
    "Esc or Ctrl-C cancels a turn · Ctrl-C twice at the prompt exits",
    "A proposed change: y apply · n reject · a always apply · e correct it",
  );
  return lines;
}
