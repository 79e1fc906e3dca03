import os from "node:os";

/** The machine the plan is made for. */
export interface MachineFacts {
  cores: number;
  totalRamBytes: number;
  /** RAM available to us now (Linux MemAvailable). */
  freeRamBytes: number;
  /** GPU backend in use, or false for CPU only. */
  gpu: false | "cuda" | "vulkan" | "metal";
  gpuName?: string;
  totalVramBytes: number;
  freeVramBytes: number;
}

/** Reads cores and RAM from the OS; GPU facts are filled in by the runtime that loaded llama.cpp. */
export function cpuMachine(): MachineFacts {
  return {
    cores: typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length,
    totalRamBytes: os.totalmem(),
    freeRamBytes: os.freemem(),
    gpu: false,
    totalVramBytes: 0,
    freeVramBytes: 0,
  };
}

/** Bytes → "1.2 GiB". */
export function gib(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(bytes < 2 ** 30 ? 2 : 1)} GiB`;
}
