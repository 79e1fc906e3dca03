/**
 * How much Spark may do without asking, as Codex CLI's approval modes: `suggest` asks before
 * every edit and every command, `auto-edit` applies edits and asks before commands, `full`
 * does both (`--yes`). The only command the agent runs itself is the test command.
 */
import type { ApproveCommand, Decide } from "./turn.js";

/** Every approval mode, from the most to the least careful. */
export const APPROVAL_MODES = ["suggest", "auto-edit", "full"] as const;

/** An approval mode. */
export type ApprovalMode = (typeof APPROVAL_MODES)[number];

/** True when `s` names an approval mode. */
export function isApprovalMode(s: string): s is ApprovalMode {
  return APPROVAL_MODES.some((m) => m === s);
}

/** Whether `mode` applies edits without asking. */
export function appliesEdits(mode: ApprovalMode): boolean {
  return mode !== "suggest";
}

/** Whether `mode` runs commands without asking. */
export function runsCommands(mode: ApprovalMode): boolean {
  return mode === "full";
}

/**
 * The agent's hooks for `mode` where nobody can answer (`spark run`, `spark fix`): what would be
 * asked is declined, so `suggest` proposes edits and applies none.
 */
export function unattendedHooks(mode: ApprovalMode): { decide: Decide; approveCommand: ApproveCommand } {
  return {
    decide: async () => (appliesEdits(mode) ? "apply" : "reject"),
    approveCommand: async () => (runsCommands(mode) ? "run" : "skip"),
  };
}
