/**
 * Plain-text consumer of the agent's events for `spark fix` and `spark run`: what the person asked
 * for on stdout (the model's text for `run`, the applied diffs, one summary line), progress and
 * problems on stderr. The switch is exhaustive, like the JSONL writer's.
 */
import type { Writable } from "node:stream";
import { assertNever, type AgentEvent } from "../agent/events.js";

/** Options of the text reporter. */
export interface TextReporterOptions {
  stdout: Writable;
  stderr: Writable;
  /** Stream the model's text to stdout (`spark run`). Default false (`spark fix` shows diffs only). */
  showModelText?: boolean;
}

/** Prints events as text; call `event` for each, in order. */
export class TextReporter {
  /** The newest proposed diff of each file in the current round (the whole-file diff of that round). */
  private diffs = new Map<string, string>();
  private roundOver = false;
  private textEndsWithNewline = true;

  constructor(private readonly opts: TextReporterOptions) {}

  event(ev: AgentEvent): void {
    const { stdout, stderr } = this.opts;
    switch (ev.type) {
      case "session.start":
      case "context.packed":
      case "checkpoint":
      case "session.end":
        return;
      case "model.delta":
        if (this.roundOver) this.diffs.clear();
        this.roundOver = false;
        if (this.opts.showModelText) {
          stdout.write(ev.text);
          this.textEndsWithNewline = ev.text.endsWith("\n");
        }
        return;
      case "edit.proposed":
        this.diffs.set(ev.path, ev.diff);
        return;
      case "stats":
        this.roundOver = true;
        this.endText();
        return;
      case "edit.applied": {
        const diff = this.diffs.get(ev.path);
        if (diff !== undefined && !this.opts.showModelText) stdout.write(diff.endsWith("\n") ? diff : `${diff}\n`);
        else if (this.opts.showModelText) stdout.write(`applied ${ev.path} (+${ev.added} -${ev.removed})\n`);
        return;
      }
      case "edit.failed":
        stderr.write(`spark: edit ${ev.path ? `of ${ev.path} ` : ""}failed: ${ev.reason}\n`);
        return;
      case "test.result":
        stderr.write(`spark: \`${ev.command}\` ${ev.exitCode === 0 ? "passed" : `failed (exit ${ev.exitCode})`}\n`);
        return;
      case "error":
        this.endText();
        stderr.write(`spark: ${ev.message.split("\n")[0] ?? ev.message}\n`);
        return;
      default:
        assertNever(ev);
    }
  }

  private endText(): void {
    if (this.opts.showModelText && !this.textEndsWithNewline) this.opts.stdout.write("\n");
    this.textEndsWithNewline = true;
  }
}
