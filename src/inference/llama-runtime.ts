import os from "node:os";
import { getLlama, LlamaLogLevel, type Llama } from "node-llama-cpp";
import { ModelError } from "../errors.js";
import { cpuMachine, type MachineFacts } from "./machine.js";
import { installSamplerPool } from "./sampler-pool.js";

/** The last llama.cpp log lines: the real reason behind node-llama-cpp's generic failures. */
const recentLogs: string[] = [];

/** Recent llama.cpp warnings and errors, newest last. */
export function recentLlamaLogs(): readonly string[] {
  return recentLogs;
}

let runtime: Promise<Llama> | undefined;

/** Runtime options. */
export interface RuntimeOptions {
  /** Use a GPU backend when one works. Default true (env SPARK_GPU=0 turns it off). */
  gpu?: boolean;
}

/**
 * Loads the llama.cpp binding once per process. Never builds from source at run time (that takes
 * minutes; `spark doctor` says how), and caps llama.cpp's thread pool at the core count: its default
 * of max(4, cores) collapses decoding on 2-vCPU machines (1.2 tok/s measured).
 */
export function llamaRuntime(options: RuntimeOptions = {}, env: NodeJS.ProcessEnv = process.env): Promise<Llama> {
  runtime ??= (async () => {
    const useGpu = (options.gpu ?? true) && env.SPARK_GPU !== "0";
    try {
      const llama = await getLlama({
        gpu: useGpu ? "auto" : false,
        build: "never",
        maxThreads: cpuMachine().cores,
        progressLogs: false,
        logLevel: LlamaLogLevel.warn,
        logger: (level, message) => {
          const line = message.trim();
          if (line.length === 0) return;
          recentLogs.push(line);
          if (recentLogs.length > 50) recentLogs.shift();
          if (env.SPARK_DEBUG === "1") process.stderr.write(`[llama.cpp ${level}] ${line}\n`);
        },
      });
      if (env.SPARK_SAMPLER_POOL !== "0") installSamplerPool(llama);
      return llama;
    } catch (err) {
      runtime = undefined;
      throw new ModelError(
        `cannot load the llama.cpp binding (${err instanceof Error ? err.message.split("\n")[0] : String(err)}); run "npx node-llama-cpp source download --gpu false" to build it`,
        { cause: err },
      );
    }
  })();
  return runtime;
}

/** Machine facts including the GPU the binding uses. */
export async function detectMachine(llama: Llama): Promise<MachineFacts> {
  const machine = cpuMachine();
  if (llama.gpu === false) return machine;
  const vram = await llama.getVramState();
  const names = await llama.getGpuDeviceNames();
  return {
    ...machine,
    gpu: llama.gpu,
    gpuName: names.join(", "),
    totalVramBytes: vram.total,
    freeVramBytes: vram.free,
  };
}

/** A short description of the binding: build, backend, CPU features. */
export function describeBinding(llama: Llama): string {
  return `${llama.buildType === "prebuilt" ? "prebuilt" : "local build"}, ${llama.gpu === false ? "CPU" : llama.gpu.toUpperCase()}, ${os.arch()}`;
}
