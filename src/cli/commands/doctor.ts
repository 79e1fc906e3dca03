import { access, constants, mkdir } from "node:fs/promises";
import type { Command } from "commander";
import { gitVersion } from "../../git/version.js";
import { cpuMachine, describePlan, gib, knownModelFacts, planWafer, readModelFacts, type MachineFacts, type ModelFacts } from "../../inference/index.js";
import { cachedTuning, describeBinding, detectMachine, llamaRuntime, threadsCacheFile, type TuningEntry } from "../../inference/runtime.js";
import { defaultModelUri, resolveModel } from "../../models/index.js";
import { cacheDir } from "../../paths.js";
import type { CliContext } from "../context.js";

interface Check {
  name: string;
  ok: boolean;
  /** Fatal problems make doctor exit 1; warnings do not. */
  fatal: boolean;
  detail: string;
  fix?: string;
}

interface DoctorFlags {
  model?: string;
  context?: number;
  threads?: number;
  json?: boolean;
}

async function modelFacts(uri: string, ctx: CliContext): Promise<{ facts?: ModelFacts; check: Check }> {
  try {
    const resolved = await resolveModel(uri, { cwd: ctx.cwd, env: ctx.env, download: false, signal: ctx.signal });
    const facts = await readModelFacts(resolved.path);
    return { facts, check: { name: "model", ok: true, fatal: false, detail: `${uri} → ${resolved.path} (${facts.architecture}, ${facts.quantization}, ${gib(facts.fileSizeBytes)})` } };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const known = knownModelFacts(uri);
    const remote = uri.startsWith("hf:") || /^https?:/.test(uri);
    return {
      facts: known,
      check: {
        name: "model",
        ok: false,
        fatal: !remote,
        detail: remote ? `${uri} is not downloaded yet${known ? " (plan below from its published shape)" : ""}` : message,
        fix: remote ? `spark model pull ${uri} (or let the first run download it)` : "pass an existing GGUF with --model or SPARK_MODEL",
      },
    };
  }
}

/** The thread count Spark will use for this model, and when and how it was measured. */
function threadsCheck(entry: TuningEntry | undefined, flag: number | undefined): Check {
  const check = (ok: boolean, detail: string, fix?: string): Check => ({ name: "threads", ok, fatal: false, detail, ...(fix ? { fix } : {}) });
  if (flag !== undefined) return check(true, `${flag} (from --threads)`);
  if (!entry) return check(true, "not measured yet: the first run measures each count (a few seconds) and keeps the fastest");
  const when = entry.measuredAt ? `measured ${entry.measuredAt.slice(0, 16).replace("T", " ")} UTC` : "measured at an unrecorded time";
  const speeds = entry.trials.map((t) => `${t.threads}: ${t.decodeTps} tok/s`).join(", ");
  if (!entry.provisional) return check(true, `${entry.threads} (${when}; ${speeds})`);
  const busy = entry.othersShare !== undefined ? `other processes used ${Math.round(entry.othersShare * 100)}% of the CPU` : `the load average was ${entry.load ?? "high"}`;
  return check(
    false,
    `${entry.threads}, provisional (${when} while ${busy}; ${speeds}); measured again at the next start on a quiet machine`,
    "start Spark once while the machine is quiet, or pass --threads N",
  );
}

/** `spark doctor`: checks everything Spark needs and prints the wafer plan; exit 0 only when Spark can run. */
export function registerDoctor(program: Command, ctx: CliContext): void {
  program
    .command("doctor")
    .description("check binding, GPU, memory, git, model; print what to fix")
    .option("--model <uri>", "model to plan for (default: SPARK_MODEL or the default coder model)")
    .option("--context <n>", "context size to plan for", (v) => Number(v))
    .option("--threads <n>", "threads to plan for", (v) => Number(v))
    .option("--json", "JSON output")
    .action(async (flags: DoctorFlags) => {
      const checks: Check[] = [];
      const nodeMajor = Number(process.versions.node.split(".")[0]);
      checks.push({ name: "node", ok: nodeMajor >= 20, fatal: true, detail: `Node.js ${process.versions.node}`, fix: "install Node.js 20 or newer" });
      let machine: MachineFacts = cpuMachine();
      let llama: Awaited<ReturnType<typeof llamaRuntime>> | undefined;
      try {
        llama = await llamaRuntime({}, ctx.env);
        machine = await detectMachine(llama);
        checks.push({ name: "binding", ok: true, fatal: true, detail: `llama.cpp ${describeBinding(llama)}` });
        checks.push({
          name: "gpu",
          ok: true,
          fatal: false,
          detail: machine.gpu === false ? "none in use (CPU inference)" : `${machine.gpu} ${machine.gpuName ?? ""}, VRAM ${gib(machine.freeVramBytes)} free of ${gib(machine.totalVramBytes)}`,
        });
      } catch (err) {
        checks.push({ name: "binding", ok: false, fatal: true, detail: err instanceof Error ? err.message : String(err), fix: "npx node-llama-cpp source download --gpu false" });
      }
      checks.push({ name: "memory", ok: machine.freeRamBytes > 2 ** 30, fatal: false, detail: `RAM ${gib(machine.freeRamBytes)} available of ${gib(machine.totalRamBytes)}; ${machine.cores} cores`, fix: "close other programs" });
      const git = await gitVersion();
      checks.push({ name: "git", ok: git !== undefined, fatal: true, detail: git ? `git ${git}` : "git not found", fix: "install git" });
      try {
        await mkdir(cacheDir(ctx.env), { recursive: true });
        await access(cacheDir(ctx.env), constants.W_OK);
        checks.push({ name: "cache", ok: true, fatal: true, detail: cacheDir(ctx.env) });
      } catch {
        checks.push({ name: "cache", ok: false, fatal: true, detail: `${cacheDir(ctx.env)} is not writable`, fix: "set XDG_CACHE_HOME to a writable folder" });
      }
      const uri = flags.model ?? ctx.env.SPARK_MODEL ?? defaultModelUri(ctx.env);
      const { facts, check } = await modelFacts(uri, ctx);
      checks.push(check);
      const tuning = llama && llama.gpu === false && facts ? await cachedTuning(llama, machine.cores, facts.fileSizeBytes, threadsCacheFile(cacheDir(ctx.env))) : undefined;
      if (llama && llama.gpu === false && facts) checks.push(threadsCheck(tuning, flags.threads));
      let planLines: string[] = [];
      if (facts) {
        try {
          const plan = planWafer(facts, machine, { contextSize: flags.context, threads: flags.threads ?? tuning?.threads });
          planLines = describePlan(plan);
          checks.push({ name: "plan", ok: true, fatal: true, detail: `fits: ${gib(plan.totalBytes)} of ${plan.memory}` });
        } catch (err) {
          checks.push({ name: "plan", ok: false, fatal: true, detail: err instanceof Error ? err.message : String(err), fix: "lower --context or pick a smaller model" });
        }
      }
      const failed = checks.some((c) => !c.ok && c.fatal);
      if (flags.json) {
        ctx.stdout.write(`${JSON.stringify({ ok: !failed, checks, plan: planLines })}\n`);
      } else {
        for (const c of checks) ctx.stdout.write(`${c.ok ? "ok  " : c.fatal ? "FAIL" : "warn"} ${c.name.padEnd(8)} ${c.detail}${!c.ok && c.fix ? `\n              fix: ${c.fix}` : ""}\n`);
        if (planLines.length > 0) ctx.stdout.write(`wafer plan for ${uri}:\n${planLines.map((l) => `  ${l}\n`).join("")}`);
        ctx.stdout.write(failed ? "Spark cannot run until the FAIL lines are fixed.\n" : "Spark can run.\n");
      }
      ctx.exitCode = failed ? 1 : 0;
    });
}
