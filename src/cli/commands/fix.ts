import type { Command } from "commander";
import { UsageError } from "../../errors.js";
import type { CliContext } from "../context.js";

/** `spark fix`: one-shot: edit FILE(s), apply with a checkpoint, print the diff (not implemented yet). */
export function registerFix(program: Command, _ctx: CliContext): void {
  program
    .command("fix <files...>")
    .description("one-shot: edit FILE(s), apply with a checkpoint, print the diff")
    .action(() => {
      throw new UsageError("spark fix is not implemented yet");
    });
}
