import type { Command } from "commander";
import { UsageError } from "../../errors.js";
import type { CliContext } from "../context.js";

/** `spark model`: fetch / list / describe models (not implemented yet). */
export function registerModel(program: Command, _ctx: CliContext): void {
  program
    .command("model <action> [uri]")
    .description("fetch / list / describe models")
    .action(() => {
      throw new UsageError("spark model is not implemented yet");
    });
}
