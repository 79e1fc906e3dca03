/** The work modes Shift-Tab cycles through, and what each one means in a line. */
import type { WorkMode } from "./types.js";

/** One line per mode, shown when it is chosen. */
export const WORK_MODE_LINES: Record<WorkMode, string> = {
  suggest: "suggest: asks before every edit and every command",
  "auto-edit": "auto-edit: applies edits without asking, asks before commands",
  full: "full: applies edits and runs commands without asking",
  ask: "ask: answers questions from the repository; asks for no edits and applies none",
};

/**
 * The mode after `mode` on Shift-Tab: suggest → auto-edit → (full) → ask → suggest. `full`
 * is in the cycle only once the person chose it (`--yes`, `--mode full`, /mode full, `a` on a
 * command), as Claude Code leaves its bypass mode out unless started with it.
 */
export function nextWorkMode(mode: WorkMode, fullInCycle: boolean): WorkMode {
  const cycle: WorkMode[] = fullInCycle ? ["suggest", "auto-edit", "full", "ask"] : ["suggest", "auto-edit", "ask"];
  const i = cycle.indexOf(mode);
  return cycle[(i + 1) % cycle.length] ?? "suggest";
}
