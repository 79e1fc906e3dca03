import type { Command } from "commander";
import { UsageError } from "../../errors.js";
import type { CliContext } from "../context.js";

/** `spark bench`: measure this machine: prefill, decode, speculation, TTFT (not implemented yet). */
export function registerBench(program: Command, _ctx: CliContext): void {
  program
    .command("bench")
    .description("measure this machine: prefill, decode, speculation, TTFT")
    .action(() => {
      throw new UsageError("spark bench is not implemented yet");
    });
}
