/**
 * Checks each edit the moment its block closes: scope, then a dry run of the reply's good edits
 * so far plus this one, so the person sees its diff (or why it fails) while the model still
 * streams. Nothing is written.
 */
import { EditApplyError, EditRefusedError, formatOfEdit, type Edit, type PlanOptions } from "../edits/index.js";
import type { AgentEffects } from "./effects.js";
import type { AgentEvent } from "./events.js";
import { normalizeEditPath, outsideScope } from "./scope.js";

/** Live checker for one reply. */
export class LiveCheck {
  private readonly good: Edit[] = [];
  private seen = 0;
  /** Positions (0-based, in reply order) of edits already reported as failed. */
  readonly failed = new Set<number>();

  constructor(
    private readonly root: string,
    private readonly effects: AgentEffects,
    private readonly scope: readonly string[] | undefined,
    private readonly planOptions: PlanOptions,
  ) {}

  /** Events for the edit that just closed. */
  async onEdit(edit: Edit): Promise<AgentEvent[]> {
    const index = this.seen++;
    const p = normalizeEditPath(this.root, edit.path);
    if (outsideScope(this.root, [edit], this.scope).length > 0) {
      this.failed.add(index);
      return [{ type: "edit.failed", path: p, reason: `outside the edit scope (${(this.scope ?? []).join(", ")})` }];
    }
    try {
      const plan = await this.effects.plan(this.root, [...this.good, edit], this.planOptions);
      this.good.push(edit);
      const change = plan.files.find((f) => f.path === p);
      return [{ type: "edit.proposed", path: p, format: formatOfEdit(edit), diff: change?.diff ?? "" }];
    } catch (err) {
      if (err instanceof EditApplyError) {
        this.failed.add(index);
        const failure = err.failures.find((f) => f.index === this.good.length) ?? err.failures[0];
        return [{ type: "edit.failed", path: p, reason: failure?.message ?? err.message }];
      }
      if (err instanceof EditRefusedError) {
        this.failed.add(index);
        return [{ type: "edit.failed", path: p, reason: err.message }];
      }
      throw err;
    }
  }
}
