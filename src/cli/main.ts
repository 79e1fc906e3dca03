import { Command, CommanderError } from "commander";
import { readFileSync } from "node:fs";
import { ExitCode, exitCodeOf, formatError } from "../errors.js";
import type { CliContext } from "./context.js";
import { registerCommands } from "./register-commands.js";

/** Reads our version from package.json (works from `src/` under tsx and from `dist/src/`). */
function packageVersion(): string {
  for (const rel of ["../../package.json", "../../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), "utf8")) as { name?: string; version: string };
      if (pkg.name === "sparkcode") return pkg.version;
    } catch {
      // not at this level; try the next one up
    }
  }
  return "0.0.0";
}

/** Builds the `spark` command tree over the given context (only the commands `argv` needs). */
export async function buildProgram(ctx: CliContext, argv: readonly string[] = []): Promise<Command> {
  const program = new Command("spark")
    .description("Spark: a real-time terminal pair programmer that runs a local model")
    .version(packageVersion(), "-v, --version")
    .showHelpAfterError("(run spark --help for usage)")
    .configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(s),
    })
    .exitOverride();
  await registerCommands(program, ctx, argv);
  return program;
}

/** Default context over the real process. */
export function processContext(): CliContext {
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (sig: NodeJS.Signals): void => {
    interrupts++;
    if (interrupts > 1 && sig === "SIGINT") process.exit(ExitCode.interrupted);
    controller.abort(new Error(`interrupted by ${sig}`));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  // `spark … | head`: the reader went away; stop quietly instead of crashing with EPIPE.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EPIPE") process.exit(0);
      throw err;
    });
  }
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    signal: controller.signal,
    exitCode: 0,
  };
}

/** Runs the CLI and returns the exit code; errors become one line on stderr. */
export async function main(argv: readonly string[], ctx: CliContext = processContext()): Promise<number> {
  const program = await buildProgram(ctx, argv);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return ctx.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help") return 0;
      return ExitCode.usage;
    }
    ctx.stderr.write(`spark: ${formatError(err, ctx.env)}\n`);
    return exitCodeOf(err);
  }
}
