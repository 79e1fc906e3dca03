import type { Command } from "commander";
import { UsageError } from "../../errors.js";
import type { CliContext } from "../context.js";

/** `spark [TASK]`: the interactive Ink session (not implemented yet). */
export function registerTui(program: Command, _ctx: CliContext): void {
  program
    .argument("[task]", "first message of the interactive session")
    .action(() => {
      throw new UsageError("the interactive session is not implemented yet; use spark run or spark fix");
    });
}
