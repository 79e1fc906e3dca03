import type { Command } from "commander";
import type { CliContext } from "./context.js";

type Register = (program: Command, ctx: CliContext) => void;

/**
 * Every subcommand, each in its own file under `commands/`, loaded on demand: ink and
 * node-llama-cpp take about a second of CPU to import, which `spark undo` should not pay.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  fix: async () => (await import("./commands/fix.js")).registerFix,
  run: async () => (await import("./commands/run.js")).registerRun,
  apply: async () => (await import("./commands/apply.js")).registerApply,
  undo: async () => (await import("./commands/undo.js")).registerUndo,
  checkpoints: async () => (await import("./commands/checkpoints.js")).registerCheckpoints,
  serve: async () => (await import("./commands/serve.js")).registerServe,
  bench: async () => (await import("./commands/bench.js")).registerBench,
  doctor: async () => (await import("./commands/doctor.js")).registerDoctor,
  model: async () => (await import("./commands/model.js")).registerModel,
  context: async () => (await import("./commands/context.js")).registerContext,
};

/**
 * Registers the subcommand `argv` names (or all of them, with the interactive default command,
 * when it names none: help, a task for the TUI, or nothing).
 */
export async function registerCommands(program: Command, ctx: CliContext, argv: readonly string[] = []): Promise<void> {
  const first = argv.find((a) => !a.startsWith("-"));
  if (argv.length > 0 && argv.every((a) => a === "-v" || a === "--version")) return;
  if (first !== undefined && Object.hasOwn(COMMANDS, first)) {
    const load = COMMANDS[first];
    if (load) (await load())(program, ctx);
    return;
  }
  const { registerTui } = await import("./commands/tui.js");
  registerTui(program, ctx);
  for (const load of Object.values(COMMANDS)) (await load())(program, ctx);
}
