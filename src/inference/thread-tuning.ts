import os from "node:os";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Llama, LlamaModel, Token } from "node-llama-cpp";

/** One measured thread count. */
export interface ThreadTrial {
  threads: number;
  decodeTps: number;
}

/** Candidate thread counts: every count up to 8 cores, then a spread. */
export function threadCandidates(cores: number): number[] {
  if (cores <= 8) return Array.from({ length: cores }, (_, i) => i + 1);
  return [...new Set([1, 2, 4, Math.floor(cores / 2), cores - 1, cores].filter((n) => n >= 1 && n <= cores))].sort((a, b) => a - b);
}

/** Key of the tuning cache: CPU, cores, binding and model size class (bigger models like more threads). */
export function tuningKey(llama: Llama, cores: number, modelBytes: number): string {
  const cpu = os.cpus()[0]?.model ?? "cpu";
  const sizeClass = Math.round(Math.log2(Math.max(1, modelBytes / 2 ** 20)));
  // libuv's pool size changes the result (4 pool threads collapse 2 threads on 2 vCPUs; bin/spark.js sets 1).
  const pool = process.env.UV_THREADPOOL_SIZE ?? "4";
  return `${cpu}|${cores}|${llama.gpu === false ? "cpu" : llama.gpu}|${llama.buildType}|2^${sizeClass}MiB|uv${pool}`;
}

/**
 * Measures decode speed at each candidate thread count on the loaded model (a few dozen tokens
 * each) and returns the fastest. Defaults are not trusted: on 2 vCPUs llama.cpp's own choice was
 * 250× slower than the best.
 */
export async function measureThreads(model: LlamaModel, candidates: readonly number[], tokens = 24): Promise<ThreadTrial[]> {
  // Two rounds in opposite orders, best of each: a burst of other work during one trial does not
  // decide the choice on its own.
  const rounds = [await measureRound(model, candidates, tokens), await measureRound(model, [...candidates].reverse(), tokens)];
  return candidates.map((threads) => ({ threads, decodeTps: Math.max(...rounds.flat().filter((t) => t.threads === threads).map((t) => t.decodeTps)) }));
}

async function measureRound(model: LlamaModel, candidates: readonly number[], tokens: number): Promise<ThreadTrial[]> {
  const trials: ThreadTrial[] = [];
  const prompt = model.tokenize("function add(a, b) {\n  return a + b;\n}\n") as Token[];
  for (const threads of candidates) {
    const context = await model.createContext({ contextSize: 256, batchSize: 64, threads: { ideal: threads, min: threads } });
    try {
      const sequence = context.getSequence();
      await sequence.evaluateWithoutGeneratingNewTokens(prompt);
      let t = prompt[prompt.length - 1] as Token;
      // Warm-up step, then timed steps (token choice is irrelevant: only speed is measured).
      await sequence.controlledEvaluate([[t, { generateNext: { token: true } }]]);
      const started = performance.now();
      let done = 0;
      // A collapsed thread count decodes at a few tok/s: stop its trial after a second.
      while (done < tokens && performance.now() - started < 1000) {
        const [out] = await sequence.controlledEvaluate([[t, { generateNext: { token: true } }]]);
        t = (out?.next.token ?? t) as Token;
        done++;
      }
      trials.push({ threads, decodeTps: Math.round((done / (performance.now() - started)) * 1000 * 10) / 10 });
    } finally {
      await context.dispose();
    }
  }
  return trials;
}

/** One cached tuning result. */
export interface TuningEntry {
  threads: number;
  trials: ThreadTrial[];
  /** When it was measured (ISO 8601). Absent in entries written before it was recorded. */
  measuredAt?: string;
  /** 1-minute load average just before measuring (for the record; it lags, and counts Spark too). */
  load?: number;
  /** Share of all cores that other processes used while it was measured, 0–1. */
  othersShare?: number;
  /** Measured while other work was running: used while it still runs, measured again once it stops. */
  provisional?: boolean;
}

/** What the rest of the machine is doing; injected so tests can set it. */
export interface LoadProbe {
  /** 1-minute load average. */
  loadAverage(): number;
  /** Starts watching; the function returned gives the share of all cores (0–1) other processes used since. */
  watch(): () => number;
  /** A short look at that share now. */
  glance(): Promise<number>;
}

/** Other processes using more than this share of all cores make a measurement provisional. */
const BUSY_SHARE = 0.25;
/** How long `glance` watches. */
const GLANCE_MS = 250;

function cpuTotals(): { busy: number; all: number } {
  let busy = 0;
  let all = 0;
  for (const c of os.cpus()) {
    const { user, nice, sys, idle, irq } = c.times;
    busy += user + nice + sys + irq;
    all += user + nice + sys + idle + irq;
  }
  return { busy, all };
}

function ownCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * The real machine: the CPU time all cores spent busy, less this process's own (its llama.cpp
 * threads included), over all the CPU time there was. Unlike the load average it is about now
 * and leaves Spark's own work out.
 */
export function systemLoadProbe(): LoadProbe {
  const watch = (): (() => number) => {
    const t0 = cpuTotals();
    const own0 = ownCpuMs();
    return () => {
      const t1 = cpuTotals();
      const all = t1.all - t0.all;
      const others = t1.busy - t0.busy - (ownCpuMs() - own0);
      return all > 0 ? Math.min(1, Math.max(0, others / all)) : 0;
    };
  };
  return {
    loadAverage: () => os.loadavg()[0] ?? 0,
    watch,
    glance: async () => {
      const stop = watch();
      await new Promise((resolve) => setTimeout(resolve, GLANCE_MS));
      return stop();
    },
  };
}

async function readCache(cacheFile: string): Promise<Record<string, TuningEntry>> {
  try {
    return JSON.parse(await readFile(cacheFile, "utf8")) as Record<string, TuningEntry>;
  } catch {
    return {}; // first run on this machine
  }
}

/** Where the tuning cache lives in Spark's cache folder `dir`. */
export function threadsCacheFile(dir: string): string {
  return path.join(dir, "threads.json");
}

/** The cached tuning of this machine and model class, if any (what `spark doctor` shows). */
export async function cachedTuning(llama: Llama, cores: number, modelBytes: number, cacheFile: string): Promise<TuningEntry | undefined> {
  return (await readCache(cacheFile))[tuningKey(llama, cores, modelBytes)];
}

/**
 * Best thread count for this machine and model class: cached, else measured and cached. A result
 * measured while other processes kept the CPU busy is provisional (fewer threads win under
 * contention): it is used only while they still do, and measured again at the first start that
 * finds the machine quiet, so it never sticks.
 */
export async function tunedThreads(
  llama: Llama,
  model: LlamaModel,
  cores: number,
  modelBytes: number,
  cacheFile: string,
  probe: LoadProbe = systemLoadProbe(),
): Promise<number> {
  if (llama.gpu !== false) return cores;
  const key = tuningKey(llama, cores, modelBytes);
  const cache = await readCache(cacheFile);
  const known = cache[key];
  if (known && !known.provisional) return known.threads;
  if (known && (await probe.glance()) > BUSY_SHARE) return known.threads;
  const load = probe.loadAverage();
  const stop = probe.watch();
  const trials = await measureThreads(model, threadCandidates(cores));
  const othersShare = stop();
  const best = trials.reduce((a, b) => (b.decodeTps > a.decodeTps ? b : a), trials[0] ?? { threads: cores, decodeTps: 0 });
  cache[key] = {
    threads: best.threads,
    trials,
    measuredAt: new Date().toISOString(),
    load: Math.round(load * 100) / 100,
    othersShare: Math.round(othersShare * 100) / 100,
    provisional: othersShare > BUSY_SHARE || undefined,
  };
  await mkdir(path.dirname(cacheFile), { recursive: true });
  const tmp = `${cacheFile}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(cache, null, 2));
  await rename(tmp, cacheFile);
  return best.threads;
}
