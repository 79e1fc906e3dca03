import type { Command } from "commander";
import { UsageError } from "../../errors.js";
import type { CliContext } from "../context.js";

/** `spark run`: headless: TASK from the argument or stdin; text or JSONL events (not implemented yet). */
export function registerRun(program: Command, _ctx: CliContext): void {
  program
    .command("run [task]")
    .description("headless: TASK from the argument or stdin; text or JSONL events")
    .action(() => {
      throw new UsageError("spark run is not implemented yet");
    });
}
