import { InvalidArgumentError, type Command } from "commander";
import { assertSafeBind, checkApiKey } from "../../server/auth.js";
import type { ServeOptions } from "../../server/run-serve.js";
import { positiveInt } from "../common-options.js";
import type { CliContext } from "../context.js";

/** What commander parses: `runServe`'s options as flags (sequences and queue have defaults here). */
type ServeFlags = Pick<ServeOptions, "host" | "port" | "model" | "apiKey" | "context" | "threads"> &
  Required<Pick<ServeOptions, "sequences" | "queue">> & { cwd?: string };

function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`expected a non-negative integer, got "${value}"`);
  return n;
}

function port(value: string): number {
  const n = nonNegativeInt(value);
  if (n > 65535) throw new InvalidArgumentError(`expected a port from 0 to 65535, got "${value}"`);
  return n;
}

/** `spark serve`: keep the model resident behind an OpenAI-compatible HTTP API. */
export function registerServe(program: Command, ctx: CliContext): void {
  program
    .command("serve")
    .description("keep the model resident; OpenAI-compatible HTTP API (loopback by default)")
    .option("--host <host>", "address to listen on; other than loopback needs an API key", "127.0.0.1")
    .option("--port <n>", "port (0: any free port, printed on stderr)", port, 8080)
    .option("--model <uri>", "model: PATH, hf:USER/REPO[:QUANT] or URL (env SPARK_MODEL)")
    .option("--api-key <key>", "require Authorization: Bearer KEY (env SPARK_API_KEY)")
    .option("--context <n>", "context size in tokens (default: 131072 or the model's maximum)", positiveInt)
    .option("--threads <n>", "CPU threads (default: tuned by measurement)", positiveInt)
    .option("--sequences <n>", "KV sequences: clients/repos whose prefixes stay cached side by side", positiveInt, 4)
    .option("--queue <n>", "requests that may wait for a busy sequence before 429", nonNegativeInt, 16)
    .option("--cwd <dir>", "base of a relative --model path")
    .addHelpText(
      "after",
      `
Endpoints: GET /v1/models · POST /v1/chat/completions and /v1/completions (stream, usage with
cached tokens, Predicted Outputs via "prediction") · GET /health · POST /spark/tokenize.
Requests sharing a prefix go to the sequence holding it; the "user" field or an X-Spark-Session
header keeps a client on its own sequence. SIGTERM/SIGINT: stop accepting, finish in-flight
requests, exit 0. Running servers are listed in the cache folder so spark fix/run can use them.`,
    )
    .action(async (flags: ServeFlags) => {
      // Refuse a blank key or an unsafe bind before paying for node-llama-cpp's import. An empty
      // SPARK_API_KEY means unset, as for any variable; a blank one is a mistake.
      const envKey = ctx.env.SPARK_API_KEY;
      const apiKey =
        flags.apiKey !== undefined ? checkApiKey(flags.apiKey, "--api-key") : envKey !== undefined && envKey !== "" ? checkApiKey(envKey, "SPARK_API_KEY") : undefined;
      assertSafeBind(flags.host, apiKey);
      const { runServe } = await import("../../server/run-serve.js");
      await runServe({ ...flags, apiKey, cwd: flags.cwd ?? ctx.cwd, env: ctx.env, signal: ctx.signal, stderr: ctx.stderr });
    });
}
