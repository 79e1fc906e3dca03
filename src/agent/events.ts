/**
 * The agent's typed events (docs/events.md). The loop yields them; the JSONL writer,
 * the plain-text reporter and the TUI reducer consume them with an exhaustive `switch`, so a new
 * event type is a compile error until every consumer handles it.
 */
import type { FormatName } from "../edits/index.js";
import type { GenerationStats } from "../inference/index.js";

/** How a session ended. `rejected`: the approval hook said no (exit 0, nothing applied). */
export type SessionStatus = "ok" | "failed" | "rejected" | "interrupted" | "error";

export interface SessionStartEvent {
  type: "session.start";
  model: string;
  backend: "local" | "http";
  contextSize: number;
  cwd: string;
}

export interface ContextPackedEvent {
  type: "context.packed";
  /** Files included in full. */
  files: number;
  /** Tokens of the whole prompt (system + repo context + conversation + task). */
  tokens: number;
  /** Tokens the repo context could use (context size minus output reserve minus the rest). */
  budget: number;
  /**
   * Prompt tokens this session expects the backend to reuse: the prefix shared with the previous
   * request of this session (0 on the first). The `stats` event reports what was measured.
   */
  cachedTokens: number;
  /**
   * The split of the repository: on the first turn, and on a later turn that took in files
   * warmed in the background. What this answer got, and what was left out / is warming.
   */
  packed?: PackedSplit;
}

/** What an answer got of the repository, and what it left out to answer sooner. */
export interface PackedSplit {
  /** Packed for this answer: files in full, outlined in the repo map, tokens, and the budget they had. */
  now: { files: number; outlined: number; tokens: number; budget: number };
  /**
   * Context budget not used now (the first answer's budget follows prefill speed); `warming`:
   * whether the session prefills the rest in the background (between turns, the TUI), and
   * `files` / `tokens` (estimated) of it that are still to come (0 when not warming).
   */
  rest: { budget: number; warming: boolean; files: number; tokens: number };
}

export interface ModelDeltaEvent {
  type: "model.delta";
  text: string;
}

export interface EditProposedEvent {
  type: "edit.proposed";
  path: string;
  format: FormatName;
  /** Unified diff of this file against its current content (includes earlier edits of the same reply). */
  diff: string;
}

export interface CheckpointEvent {
  type: "checkpoint";
  id: string;
}

export interface EditAppliedEvent {
  type: "edit.applied";
  path: string;
  added: number;
  removed: number;
}

export interface EditFailedEvent {
  type: "edit.failed";
  path: string;
  /** One line for the person; the model gets a longer message. */
  reason: string;
}

export interface TestResultEvent {
  type: "test.result";
  command: string;
  exitCode: number;
  /** Combined stdout+stderr, the tail when long. */
  output: string;
}

export interface StatsEvent extends GenerationStats {
  type: "stats";
}

export interface ErrorEvent {
  type: "error";
  message: string;
  /** Stable code from `SparkError.code` ("usage", "model", "repo", "task", "interrupted", "internal"). */
  code: string;
}

export interface SessionEndEvent {
  type: "session.end";
  status: SessionStatus;
  exitCode: number;
}

/** Every event the agent yields, as docs/events.md documents them (a test checks each is there). */
export type AgentEvent =
  | SessionStartEvent
  | ContextPackedEvent
  | ModelDeltaEvent
  | EditProposedEvent
  | CheckpointEvent
  | EditAppliedEvent
  | EditFailedEvent
  | TestResultEvent
  | StatsEvent
  | ErrorEvent
  | SessionEndEvent;

/** Every event type, for consumers that validate a stream. */
export const AGENT_EVENT_TYPES = [
  "session.start",
  "context.packed",
  "model.delta",
  "edit.proposed",
  "checkpoint",
  "edit.applied",
  "edit.failed",
  "test.result",
  "stats",
  "error",
  "session.end",
] as const satisfies readonly AgentEvent["type"][];

/** Compile-time exhaustiveness guard for `switch (event.type)`. */
export function assertNever(value: never): never {
  throw new Error(`unhandled event: ${JSON.stringify(value)}`);
}
