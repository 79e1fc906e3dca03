import type { Command } from "commander";
import { UsageError } from "../../errors.js";
import type { CliContext } from "../context.js";

/** `spark doctor`: check binding, GPU, memory, git, model; print what to fix (not implemented yet). */
export function registerDoctor(program: Command, _ctx: CliContext): void {
  program
    .command("doctor")
    .description("check binding, GPU, memory, git, model; print what to fix")
    .action(() => {
      throw new UsageError("spark doctor is not implemented yet");
    });
}
