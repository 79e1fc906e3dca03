import { InvalidArgumentError, Option, type Command } from "commander";
import { APPROVAL_MODES } from "../agent/approval-mode.js";

/** Parses a positive integer flag value, or fails as a usage error. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`expected a positive integer, got "${value}"`);
  return n;
}

/** Adds `--model`, `--endpoint`, `--context`, `--threads`, `--cwd`, `--json` to a command. */
export function addModelOptions(cmd: Command): Command {
  return cmd
    .option("--model <uri>", "model: PATH, hf:USER/REPO[:QUANT] or URL (env SPARK_MODEL)")
    .option("--endpoint <url>", "use an OpenAI-compatible server instead of the in-process model (env SPARK_ENDPOINT)")
    .option("--context <n>", "context size in tokens (default: 131072 or the model's maximum)", positiveInt)
    .option("--threads <n>", "CPU threads (default: tuned by measurement)", positiveInt)
    .option("--cwd <dir>", "run in this directory")
    .option("--json", "JSONL output");
}

/** `--mode suggest|auto-edit|full`. */
export function modeOption(description: string): Option {
  return new Option("--mode <mode>", description).choices(APPROVAL_MODES);
}
