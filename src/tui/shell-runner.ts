/**
 * `!CMD` at the prompt: runs the command in the repository (streamed to the screen, Esc or Ctrl-C
 * stops it), moves its output to the scrollback, and offers to send it with the next message.
 */
import { stripVTControlCharacters } from "node:util";
import { runShell } from "../agent/shell.js";
import { formatError, InterruptedError } from "../errors.js";
import type { QuestionSlot } from "./question-slot.js";
import type { Action } from "./state/types.js";

/** Runs a shell command (injectable for tests). Default: `runShell`. */
export type ShellFn = typeof runShell;

/** What a `!CMD` run needs. */
export interface ShellRunnerDeps {
  dispatch: (a: Action) => void;
  questions: QuestionSlot;
  /** Where commands run (where Spark was started, inside the repository). */
  cwd: string;
  shell?: ShellFn;
}

/** Most characters of a command's output kept (the tail). */
const OUTPUT_KEEP = 256 * 1024;

/** Terminal output as plain lines: no colors or cursor moves (they would garble the screen), no CRs. */
export function plainOutput(text: string): string {
  // eslint-disable-next-line no-control-regex -- dropping control bytes is the point
  return stripVTControlCharacters(text).replace(/\r\n/g, "\n").replace(/\r/g, "\n").replace(/[\x00-\x08\x0b-\x1f\x7f]/g, "");
}

/** Runs one `!CMD` at a time. */
export class ShellRunner {
  private abort: AbortController | undefined;

  constructor(private readonly deps: ShellRunnerDeps) {}

  /** True while a command runs. */
  get running(): boolean {
    return this.abort !== undefined;
  }

  /** Runs `command`; never throws (a failure to start becomes the output). */
  async run(command: string): Promise<void> {
    const { dispatch } = this.deps;
    const abort = new AbortController();
    this.abort = abort;
    dispatch({ type: "ui.shell.start", command });
    let exitCode = 130;
    let output = "";
    const onOutput = (raw: string): void => {
      const text = plainOutput(raw);
      output = (output + text).slice(-OUTPUT_KEEP);
      dispatch({ type: "ui.shell.output", text });
    };
    try {
      const r = await (this.deps.shell ?? runShell)(command, { cwd: this.deps.cwd, signal: abort.signal, onOutput });
      exitCode = r.exitCode;
      output = plainOutput(r.output).slice(-OUTPUT_KEEP);
    } catch (err) {
      if (!(err instanceof InterruptedError)) {
        exitCode = 127;
        output = formatError(err);
      }
    } finally {
      this.abort = undefined;
    }
    const cancelled = abort.signal.aborted;
    dispatch({ type: "ui.shell.end", exitCode, output: output.replace(/\n$/, ""), cancelled });
    if (cancelled) return;
    const answer = await this.deps.questions.ask({ kind: "attach", command, exitCode });
    if (answer === "yes") dispatch({ type: "ui.attach", attachment: { command, exitCode, output } });
  }

  /** Stops the running command. */
  cancel(): void {
    if (!this.abort) return;
    this.deps.dispatch({ type: "ui.cancel" });
    this.abort.abort(new InterruptedError());
  }
}
