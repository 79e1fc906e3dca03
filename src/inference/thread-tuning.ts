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
interface TuningEntry {
  threads: number;
  trials: ThreadTrial[];
  /** 1-minute load average just before measuring. */
  load?: number;
  /** Measured while other work was running: used, but measured again once the machine is quieter. */
  provisional?: boolean;
}

/** Other work above this many runnable processes per core makes a measurement provisional. */
const BUSY_LOAD_PER_CORE = 0.5;

/**
 * Best thread count for this machine and model class: cached, else measured and cached. A result
 * measured on a busy machine is provisional and measured again when the load has dropped (trials
 * are only as good as the moment they ran in).
 */
export async function tunedThreads(llama: Llama, model: LlamaModel, cores: number, modelBytes: number, cacheFile: string, loadAverage: () => number = () => os.loadavg()[0] ?? 0): Promise<number> {
  if (llama.gpu !== false) return cores;
  const key = tuningKey(llama, cores, modelBytes);
  let cache: Record<string, TuningEntry> = {};
  try {
    cache = JSON.parse(await readFile(cacheFile, "utf8")) as typeof cache;
  } catch {
    // first run on this machine
  }
  const known = cache[key];
  const load = loadAverage();
  const busy = load > cores * BUSY_LOAD_PER_CORE;
  if (known && (!known.provisional || busy)) return known.threads;
  const trials = await measureThreads(model, threadCandidates(cores));
  const best = trials.reduce((a, b) => (b.decodeTps > a.decodeTps ? b : a), trials[0] ?? { threads: cores, decodeTps: 0 });
  cache[key] = { threads: best.threads, trials, load: Math.round(load * 100) / 100, provisional: busy || undefined };
  await mkdir(path.dirname(cacheFile), { recursive: true });
  const tmp = `${cacheFile}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(cache, null, 2));
  await rename(tmp, cacheFile);
  return best.threads;
}
