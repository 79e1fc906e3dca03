import type { Command } from "commander";
import { UsageError } from "../../errors.js";
import type { CliContext } from "../context.js";

/** `spark serve`: keep the model resident; OpenAI-compatible HTTP API (not implemented yet). */
export function registerServe(program: Command, _ctx: CliContext): void {
  program
    .command("serve")
    .description("keep the model resident; OpenAI-compatible HTTP API")
    .action(() => {
      throw new UsageError("spark serve is not implemented yet");
    });
}
