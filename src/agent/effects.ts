/** The side effects of a turn, injectable so tests can swap or observe them. */
import { applyPlan, planEdits, type Edit, type EditPlan, type PlanOptions } from "../edits/index.js";
import { createCheckpoint, editTempDir, type CheckpointOptions } from "../git/index.js";
import { runTestCommand, type RunTest } from "./test-command.js";

/** Everything the loop does to the world besides generating. */
export interface AgentEffects {
  /** Dry run of a reply's edits (default `planEdits`). */
  plan(root: string, edits: readonly Edit[], opts: PlanOptions): Promise<EditPlan>;
  /** All-or-nothing write of a plan (default `applyPlan`). */
  apply(root: string, plan: EditPlan): Promise<void>;
  /** Snapshot before applying (default `createCheckpoint`). */
  checkpoint(root: string, opts: CheckpointOptions): Promise<{ id: string }>;
  /** `--test` runner (default: the command through the shell). */
  runTest: RunTest;
}

/** The real effects. */
export const defaultEffects: AgentEffects = {
  plan: (root, edits, opts) => planEdits(root, edits, opts),
  apply: async (root, plan) => applyPlan(root, plan, { tempDir: await editTempDir(root) }),
  checkpoint: (root, opts) => createCheckpoint(root, opts),
  runTest: runTestCommand,
};
