import type { Command } from "commander";
import { UsageError } from "../../errors.js";
import type { CliContext } from "../context.js";

/** `spark apply`: apply edit text from stdin (not implemented yet). */
export function registerApply(program: Command, _ctx: CliContext): void {
  program
    .command("apply")
    .description("apply edit text from stdin")
    .action(() => {
      throw new UsageError("spark apply is not implemented yet");
    });
}
