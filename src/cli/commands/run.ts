import type { Command } from "commander";
import path from "node:path";
import { unattendedHooks, type ApprovalMode } from "../../agent/approval-mode.js";
import { formatSummary, summarize } from "../../agent/summary.js";
import { runAgent, type AgentOptions } from "../../agent/session.js";
import { ExitCode, exitCodeOf, formatError, SparkError, UsageError } from "../../errors.js";
import { applyPlan, checkEditTarget, type EditPlan } from "../../edits/index.js";
import { commitApplied, editTempDir, findRepoRoot } from "../../git/index.js";
import { cacheDir } from "../../paths.js";
import { createBackend } from "../backend-factory.js";
import { addModelOptions, modeOption } from "../common-options.js";
import type { CliContext, CommonOptions } from "../context.js";
import { eventRecord, JsonlWriter } from "../jsonl-writer.js";
import { TextReporter } from "../text-reporter.js";

/** Options of `spark run` (and, with `anyFile`, `spark fix`). */
export interface AgentCommandOptions extends CommonOptions {
  continue?: boolean;
  anyFile?: boolean;
  /** `--commit`: commit each applied reply on the current branch. Default false. */
  commit?: boolean;
  /** `--mode`: what may happen without asking; nobody can answer here. Default "full". */
  mode?: ApprovalMode;
  /** `--ask`: answer a question; ask for no edit format and apply nothing. Default false. */
  ask?: boolean;
  /** `--resume ID`: continue that conversation of the repository. Default none. */
  resume?: string;
}

/** `--commit`: apply, then commit exactly the applied files with a message from the task (as Aider does). */
function commitAfterApply(task: string): (root: string, plan: EditPlan) => Promise<void> {
  const subject = task.trim().split("\n")[0]?.slice(0, 68) ?? "edit";
  return async (root, plan) => {
    await applyPlan(root, plan, { tempDir: await editTempDir(root) });
    await commitApplied(root, plan.files.map((f) => f.path), `spark: ${subject}`);
  };
}

/** Help text for the test seam (documented where the commands that honour it are). */
export const FORCED_REPLY_HELP = `
Testing only: SPARK_FORCED_REPLY=FILE[:FILE2...] makes the in-process model's n-th reply exactly
the n-th file's text (the last repeats), enforced by a grammar, so whole-command tests drive the
real path (tokenizer, decoding, parsing, checkpoint, apply) with a known answer.`;

/** Adds the options every agent command shares. */
export function addAgentOptions(cmd: Command): Command {
  return addModelOptions(cmd)
    .option("--yes", "apply edits without asking (headless commands always apply)")
    .option("--test <cmd>", "run CMD after the edits; feed failures back to the model (at most 3 rounds)")
    .option("--commit", "commit each applied reply on the current branch (off by default; checkpoints are kept either way)")
    .addOption(modeOption("headless: suggest proposes edits and applies none, auto-edit applies them (no --test), full applies and runs --test; default full"))
    .addHelpText("after", FORCED_REPLY_HELP);
}

/**
 * Runs one agent turn for a command: resolves the repo and the backend, streams events as JSONL
 * (`--json`: nothing else on stdout) or text, prints the summary, sets the exit code.
 */
export async function runAgentCommand(
  ctx: CliContext,
  opts: AgentCommandOptions,
  task: string,
  files: readonly string[],
  text: { showModelText: boolean },
): Promise<void> {
  const json = opts.json === true;
  const writer = json ? new JsonlWriter(ctx.stdout) : undefined;
  try {
    const mode = opts.mode ?? "full";
    if (mode === "auto-edit" && opts.test !== undefined && opts.ask !== true) {
      throw new UsageError("--mode auto-edit asks before running commands, and nobody can answer here: drop --test, or use --mode full");
    }
    if (opts.continue === true && opts.resume !== undefined) throw new UsageError("--continue takes the last conversation and --resume a chosen one: pass one of them");
    const cwd = path.resolve(ctx.cwd, opts.cwd ?? ".");
    const root = await findRepoRoot(cwd);
    const targets = files.map((f) => repoPath(root, cwd, f));
    // Before the model loads, and before anything opens them (a FIFO would block the read).
    for (const t of targets) await checkEditTarget(root, t);
    const backend = await createBackend({ ...opts, cwd, env: ctx.env, signal: ctx.signal, stderr: ctx.stderr });
    try {
      const agentOpts: AgentOptions = {
        backend,
        root,
        cwd,
        targets,
        anyFile: opts.anyFile === true,
        ...unattendedHooks(mode),
        ask: opts.ask === true,
        signal: ctx.signal,
        cacheDir: cacheDir(ctx.env),
        continueLast: opts.continue === true,
        ...(opts.resume !== undefined ? { resume: opts.resume } : {}),
        ...(opts.test !== undefined ? { testCommand: opts.test } : {}),
        ...(opts.commit === true ? { effects: { apply: commitAfterApply(task) } } : {}),
      };
      const reporter = new TextReporter({ stdout: ctx.stdout, stderr: ctx.stderr, showModelText: text.showModelText });
      const gen = runAgent(task, agentOpts);
      for (;;) {
        const next = await gen.next();
        if (next.done) {
          ctx.exitCode = next.value.exitCode;
          if (!json && next.value.status !== "interrupted") ctx.stdout.write(`${formatSummary(summarize(next.value))}\n`);
          break;
        }
        if (writer) writer.write(next.value);
        else reporter.event(next.value);
      }
    } finally {
      await backend.close().catch(() => undefined);
    }
  } catch (err) {
    if (!json) throw err;
    // Failed before the session started: the stream still ends like every other.
    const code = exitCodeOf(err);
    ctx.stderr.write(`spark: ${formatError(err, ctx.env)}\n`);
    ctx.stdout.write(`${JSON.stringify(eventRecord({ type: "error", message: formatError(err, {}), code: err instanceof SparkError ? err.code : "internal" }))}\n`);
    ctx.stdout.write(`${JSON.stringify(eventRecord({ type: "session.end", status: code === ExitCode.interrupted ? "interrupted" : "error", exitCode: code }))}\n`);
    ctx.exitCode = code;
  }
}

/** A user-given file as a repo-relative path; outside the repo is a repository error (exit 4). */
function repoPath(root: string, cwd: string, file: string): string {
  const rel = path.relative(root, path.resolve(cwd, file));
  if (rel === "" || rel.startsWith("..") || path.isAbsolute(rel)) {
    throw new SparkError(`${file} is outside the repository ${root}`, ExitCode.repo, "repo");
  }
  return rel.split(path.sep).join("/");
}

async function readStdin(stdin: CliContext["stdin"], signal: AbortSignal): Promise<string> {
  let text = "";
  stdin.setEncoding?.("utf8");
  for await (const chunk of stdin) {
    if (signal.aborted) break;
    text += typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8");
  }
  return text;
}

/** `spark run [TASK] [--json]`: headless; TASK from the argument or stdin; text or JSONL events. */
export function registerRun(program: Command, ctx: CliContext): void {
  const cmd = program
    .command("run")
    .argument("[task]", "what to do (default: read from stdin)")
    .description("headless: TASK from the argument or stdin; text or JSONL events")
    .option("--continue", "continue this repository's last conversation")
    .option("--ask", "answer a question from the repository: no edits are asked for, and none are applied")
    .option("--resume <id>", "continue this conversation of the repository (spark --resume lists them)");
  addAgentOptions(cmd).action(async (taskArg: string | undefined, opts: AgentCommandOptions) => {
    let task = taskArg;
    if (task === undefined) {
      if (ctx.stdin.isTTY === true) throw new UsageError('give a task: spark run "TASK", or pipe it on stdin');
      task = await readStdin(ctx.stdin, ctx.signal);
    }
    if (task.trim().length === 0) throw new UsageError("the task is empty");
    await runAgentCommand(ctx, opts, task, [], { showModelText: true });
  });
}
