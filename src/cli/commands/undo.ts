import type { Command } from "commander";
import { UsageError } from "../../errors.js";
import type { CliContext } from "../context.js";

/** `spark undo`: restore the working tree to before the last (or given) checkpoint (not implemented yet). */
export function registerUndo(program: Command, _ctx: CliContext): void {
  program
    .command("undo [checkpoint]")
    .description("restore the working tree to before the last (or given) checkpoint")
    .action(() => {
      throw new UsageError("spark undo is not implemented yet");
    });
}
