import type { Command } from "commander";
import type { CliContext } from "./context.js";
import { registerApply } from "./commands/apply.js";
import { registerBench } from "./commands/bench.js";
import { registerCheckpoints } from "./commands/checkpoints.js";
import { registerDoctor } from "./commands/doctor.js";
import { registerFix } from "./commands/fix.js";
import { registerModel } from "./commands/model.js";
import { registerRun } from "./commands/run.js";
import { registerServe } from "./commands/serve.js";
import { registerTui } from "./commands/tui.js";
import { registerUndo } from "./commands/undo.js";

/** Every subcommand; each lives in its own file under `commands/`. */
export function registerCommands(program: Command, ctx: CliContext): void {
  registerTui(program, ctx);
  registerFix(program, ctx);
  registerRun(program, ctx);
  registerApply(program, ctx);
  registerUndo(program, ctx);
  registerCheckpoints(program, ctx);
  registerServe(program, ctx);
  registerBench(program, ctx);
  registerDoctor(program, ctx);
  registerModel(program, ctx);
}
