import type { Command } from "commander";
import { UsageError } from "../../errors.js";
import type { CliContext } from "../context.js";

/** `spark checkpoints`: list checkpoints, newest first (not implemented yet). */
export function registerCheckpoints(program: Command, _ctx: CliContext): void {
  program
    .command("checkpoints")
    .description("list checkpoints, newest first")
    .action(() => {
      throw new UsageError("spark checkpoints is not implemented yet");
    });
}
