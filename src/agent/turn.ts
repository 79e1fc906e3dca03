/**
 * The rounds of one turn, in Aider's fixed order: stream and parse → dry run → approval →
 * checkpoint → apply → `--test` (itself approved). A question (`ask`) is one round that is
 * streamed and never parsed. A reply whose edits fail to match, break the scope or do not
 * parse is fed back (at most `maxEditRetries` times); a failing test likewise (at most
 * `maxTestRounds` times). A reply applies all of its edits or none.
 */
import { EditApplyError, EditParseError, formatOfEdit, formats, type Edit, type EditPlan, type FileChange, type FormatName } from "../edits/index.js";
import { TaskError } from "../errors.js";
import type { Backend, ChatMessage, GenerationStats } from "../inference/index.js";
import { throwIfAborted } from "./abort.js";
import type { AgentEffects } from "./effects.js";
import type { AgentEvent, SessionStatus } from "./events.js";
import { parseFeedback, scopeFeedback, tail, testFeedback } from "./feedback.js";
import { LiveCheck } from "./live-check.js";
import { streamRound } from "./round.js";
import { outsideScope } from "./scope.js";

/** What the approval hook sees: the reply's whole change, checked and ready to apply. */
export interface Proposal {
  files: { path: string; format: FormatName; diff: string; added: number; removed: number; created: boolean; deleted: boolean }[];
  /** The model's reply text. */
  reply: string;
}

/** The approval hook: a pure decision, asked once per reply that would change files. */
export type Decide = (proposal: Proposal) => Promise<"apply" | "reject">;

/** The command hook: asked before each run of the test command (`--test`, /test). */
export type ApproveCommand = (command: string) => Promise<"run" | "skip">;

/** One applied file. */
export interface AppliedFile {
  path: string;
  added: number;
  removed: number;
  checkpoint: string;
}

/** How a turn ended. */
export interface TurnOutcome {
  status: SessionStatus;
  exitCode: number;
  applied: AppliedFile[];
  checkpoints: string[];
  /** One per generation round. */
  stats: GenerationStats[];
  /** Set when the turn ended on an error. */
  error?: { message: string; code: string };
}

/** Inputs of `runRounds`. */
export interface RoundsInput {
  backend: Backend;
  root: string;
  task: string;
  /** The conversation so far, ending with the user's message; replies and feedback are appended. */
  messages: ChatMessage[];
  format: FormatName;
  /** Files the edits must stay within; undefined = any file. */
  scope: readonly string[] | undefined;
  testCommand: string | undefined;
  decide: Decide;
  approveCommand: ApproveCommand;
  /** A question: one round, streamed and never parsed; nothing is applied whatever it contains. */
  ask: boolean;
  effects: AgentEffects;
  signal: AbortSignal | undefined;
  /** Output token limit for the next round, given the messages. */
  maxTokens: (messages: readonly ChatMessage[]) => Promise<number>;
  useGrammar: boolean;
  /** Text the reply will mostly copy (the target files). Default none. */
  prediction: string | undefined;
  maxEditRetries: number;
  maxTestRounds: number;
  /** Called after a plan was written (to remember what the model has seen). */
  onApplied: (files: readonly FileChange[]) => void;
}

/** Runs rounds until the task is done, failed, rejected or retries run out. */
export async function* runRounds(input: RoundsInput): AsyncGenerator<AgentEvent, TurnOutcome, undefined> {
  const format = formats[input.format];
  const outcome: TurnOutcome = { status: "ok", exitCode: 0, applied: [], checkpoints: [], stats: [] };
  let editRetries = 0;
  let testRounds = 0;
  const end = (status: SessionStatus, exitCode: number, message?: string): TurnOutcome => {
    outcome.status = status;
    outcome.exitCode = exitCode;
    if (message !== undefined) outcome.error = { message, code: status === "failed" ? "task" : status };
    return outcome;
  };
  const retryOrFail = (feedback: string): TurnOutcome | undefined => {
    if (editRetries >= input.maxEditRetries) {
      return end("failed", 1, `no applicable edit after ${input.maxEditRetries} retries`);
    }
    editRetries++;
    input.messages.push({ role: "user", content: feedback });
    return undefined;
  };

  if (input.ask) {
    throwIfAborted(input.signal);
    const round = yield* streamRound({
      backend: input.backend,
      messages: input.messages,
      format: undefined,
      maxTokens: await input.maxTokens(input.messages),
      signal: input.signal,
      onEdit: async () => [],
    });
    outcome.stats.push(round.stats);
    input.messages.push({ role: "assistant", content: round.reply });
    return end("ok", 0);
  }

  for (;;) {
    throwIfAborted(input.signal);
    const live = new LiveCheck(input.root, input.effects, input.scope, {});
    const lastReply = [...input.messages].reverse().find((m) => m.role === "assistant")?.content;
    const prediction = [input.prediction, lastReply].filter((s): s is string => s !== undefined && s.length > 0).join("\n");
    const round = yield* streamRound({
      backend: input.backend,
      messages: input.messages,
      format,
      maxTokens: await input.maxTokens(input.messages),
      ...(input.useGrammar ? { grammar: format.grammar } : {}),
      ...(prediction.length > 0 ? { prediction } : {}),
      signal: input.signal,
      onEdit: (edit) => live.onEdit(edit),
    });
    outcome.stats.push(round.stats);
    input.messages.push({ role: "assistant", content: round.reply });

    if (round.parseError !== undefined) {
      const stop = retryOrFail(parseFeedback(round.parseError.modelMessage));
      // No path: the reply's structure broke, not one file's edit.
      yield { type: "edit.failed", path: "", reason: round.parseError.message };
      if (stop) return stop;
      continue;
    }
    const outside = outsideScope(input.root, round.edits, input.scope);
    if (outside.length > 0) {
      const stop = retryOrFail(scopeFeedback(outside, input.scope ?? []));
      if (stop) return stop;
      continue;
    }
    if (round.edits.length === 0) {
      return testRounds > 0 ? end("failed", 1, `\`${input.testCommand ?? ""}\` still fails and the model proposed no edit`) : end("ok", 0);
    }

    let plan: EditPlan;
    try {
      plan = await input.effects.plan(input.root, round.edits, input.scope ? { allowedPaths: input.scope } : {});
    } catch (err) {
      if (!(err instanceof EditApplyError) && !(err instanceof EditParseError)) throw err;
      const failures = err instanceof EditApplyError ? err.failures : [];
      for (const f of failures) if (!live.failed.has(f.index)) yield { type: "edit.failed", path: f.path, reason: f.message };
      const stop = retryOrFail(err.modelMessage);
      if (stop) return stop;
      continue;
    }
    if (plan.files.length === 0) {
      return testRounds > 0 ? end("failed", 1, `\`${input.testCommand ?? ""}\` still fails and the edits changed nothing`) : end("ok", 0);
    }

    const decision = await input.decide(proposalOf(plan, replyFormat(round.edits, input.format), round.reply));
    if (decision === "reject") return end("rejected", 0);
    throwIfAborted(input.signal);
    const checkpoint = await input.effects.checkpoint(input.root, {
      task: checkpointTask(input.task),
      files: plan.files.map((f) => f.path),
      after: new Map(plan.files.map((f) => [f.path, f.afterBytes])),
    });
    outcome.checkpoints.push(checkpoint.id);
    yield { type: "checkpoint", id: checkpoint.id };
    await input.effects.apply(input.root, plan);
    input.onApplied(plan.files);
    for (const f of plan.files) {
      outcome.applied.push({ path: f.path, added: f.added, removed: f.removed, checkpoint: checkpoint.id });
      yield { type: "edit.applied", path: f.path, added: f.added, removed: f.removed };
    }

    if (input.testCommand === undefined) return end("ok", 0);
    if ((await input.approveCommand(input.testCommand)) === "skip") return end("ok", 0);
    throwIfAborted(input.signal);
    const test = await input.effects.runTest(input.testCommand, input.root, input.signal);
    yield { type: "test.result", command: input.testCommand, exitCode: test.exitCode, output: tail(test.output) };
    if (test.exitCode === 0) return end("ok", 0);
    if (testRounds >= input.maxTestRounds) {
      return end("failed", 1, `\`${input.testCommand}\` still fails after ${input.maxTestRounds} rounds of fixes`);
    }
    testRounds++;
    input.messages.push({ role: "user", content: testFeedback(input.testCommand, test.exitCode, test.output) });
  }
}

function proposalOf(plan: EditPlan, format: FormatName, reply: string): Proposal {
  return {
    files: plan.files.map((f) => ({ path: f.path, format, diff: f.diff, added: f.added, removed: f.removed, created: f.created, deleted: f.deleted })),
    reply,
  };
}

/** The format the reply was written in (it may not be the one asked). */
function replyFormat(edits: readonly Edit[], asked: FormatName): FormatName {
  return edits[0] !== undefined ? formatOfEdit(edits[0]) : asked;
}

function checkpointTask(task: string): string {
  const line = task.trim().split("\n")[0] ?? "";
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

/** Thrown when the conversation outgrew the context between rounds. */
export function contextFull(used: number, size: number): TaskError {
  return new TaskError(`the conversation needs ${used} tokens, more than the context of ${size} (start a new one, or raise --context)`);
}

