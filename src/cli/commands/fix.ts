import type { Command } from "commander";
import { UsageError } from "../../errors.js";
import type { CliContext } from "../context.js";
import { addAgentOptions, runAgentCommand, type AgentCommandOptions } from "./run.js";

/**
 * `spark fix FILE... "INSTRUCTION"`: one-shot edit of the named files (the edit scope unless
 * `--any-file`), applied with a checkpoint; prints the diff and one summary line.
 */
export function registerFix(program: Command, ctx: CliContext): void {
  const cmd = program
    .command("fix")
    .argument("<files...>", "FILE... then the INSTRUCTION (last argument)")
    .usage('[options] FILE... "INSTRUCTION"')
    .description("one-shot: edit FILE(s), apply with a checkpoint, print the diff")
    .option("--any-file", "allow edits to files other than the ones named");
  addAgentOptions(cmd).action(async (args: string[], opts: AgentCommandOptions) => {
    const instruction = args.at(-1);
    const files = args.slice(0, -1);
    if (instruction === undefined || files.length === 0) throw new UsageError('spark fix needs at least one FILE and an INSTRUCTION: spark fix src/a.ts "what to change"');
    if (instruction.trim().length === 0) throw new UsageError("the instruction is empty");
    await runAgentCommand(ctx, opts, instruction, files, { showModelText: false });
  });
}
