import type { Token } from "node-llama-cpp";
import { describeKvTypes, type GenerationStats, type LocalEngine } from "../inference/index.js";
import { median } from "../median.js";

/** What `spark bench` measures. */
export interface BenchOptions {
  /**
   * Prompt sizes for prefill. Default [512, 4096, 8192] (`--full` adds 16k..128k). All are read
   * off one cold prefill of the largest size (the time when each size's tokens were in), so the
   * 8k run is also the cold TTFT and nothing is prefilled twice.
   */
  prefillSizes?: readonly number[];
  /** Tokens decoded for plain decode speed. Default 128. */
  decodeTokens?: number;
  /** Size of the file rewritten in the copy-heavy edit. Default 256 tokens. */
  editTokens?: number;
  /**
   * Rounds of the copy-heavy edit, plain and speculative, in alternating order; the speedup is the
   * median of the rounds' ratios. Default 3: single pairs on the 2-vCPU VM ranged 1.77–2.67×
   * within an hour, as the host's load moved between the two runs.
   */
  editRounds?: number;
  /** Prefix size for the cold / warm / restored TTFT. Default 8192. */
  ttftPrefix?: number;
  onStep?: (line: string) => void;
  signal?: AbortSignal;
}

/** Results, as printed by `spark bench --json`. */
export interface BenchResult {
  threads: number;
  contextSize: number;
  kvCacheType: string;
  contextMemoryBytes: number;
  /** Prefill tok/s by prompt size. */
  prefill: Record<string, number>;
  /** Prefill tok/s at the largest default size that fit. */
  prefillTps: number;
  decodeTps: number;
  /** Effective tok/s of the copy-heavy edit with speculation, and without (medians of the rounds). */
  specTps: number;
  plainEditTps: number;
  /** Median over the rounds of speculative / plain tok/s, each round's pair measured back to back. */
  specSpeedup: number;
  draftProposed: number;
  draftAccepted: number;
  outputIdentical: boolean;
  coldTtftMs: number;
  warmTtftMs: number;
  restoredTtftMs: number;
}

const WORDS = ["user", "id", "name", "value", "list", "map", "item", "count", "index", "result", "error", "config", "path", "file", "buffer", "token", "cache", "state", "node", "edge", "parse", "render", "load", "save", "update", "create", "delete", "find", "filter", "reduce", "options", "request", "response", "handler", "event", "stream", "chunk", "offset", "length", "size"];
const TEMPLATES = [
  (a: string, b: string, c: string, n: number) => `  const ${a}${cap(b)} = ${c}(${a}, ${n});`,
  (a: string, b: string, c: string) => `  if (!${a}.${b}) throw new Error("${c} ${a} missing");`,
  (a: string, b: string, c: string) => `export function ${a}${cap(b)}(${c}: ${cap(c)}): ${cap(a)} {`,
  (a: string, b: string, c: string, n: number) => `    for (let i = 0; i < ${a}.${b}.length; i += ${n}) ${c}.push(${a}.${b}[i]);`,
  (a: string, b: string) => `  return { ...${a}, ${b} };\n}`,
  (a: string, b: string, c: string) => `// ${cap(a)} the ${b} before the ${c} is read.`,
];
function cap(w: string): string {
  return w.charAt(0).toUpperCase() + w.slice(1);
}

/** Deterministic TypeScript-like text: prefill cost and tokenization rate are those of real code. */
function codeText(lines: number, seed: number): string {
  let s = seed >>> 0 || 1;
  const next = (n: number): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) % n;
  };
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const t = TEMPLATES[next(TEMPLATES.length)] ?? TEMPLATES[0];
    out.push(t?.(WORDS[next(WORDS.length)] ?? "x", WORDS[next(WORDS.length)] ?? "y", WORDS[next(WORDS.length)] ?? "z", next(1000)) ?? "");
  }
  return out.join("\n");
}

type Tokenize = (text: string) => Token[];

/** `count` tokens of code-like text (different `seed`, different text). */
export function codeTokens(tokenize: Tokenize, count: number, seed: number): Token[] {
  let lines = Math.ceil(count / 8) + 8;
  for (;;) {
    const tokens = tokenize(codeText(lines, seed));
    if (tokens.length >= count) return tokens.slice(0, count);
    lines *= 2;
  }
}

/**
 * The copy-heavy edit: a prompt holding a `fileTokens`-token file, and the file rewritten with
 * three 6-token changes (at 20%, 50% and 80%) as the answer.
 */
export function copyEditTask(tokenize: Tokenize, fileTokens: number): { prompt: Token[]; edited: Token[] } {
  const file = codeTokens(tokenize, fileTokens, 11);
  const edited = [...file];
  for (const at of [0.2, 0.5, 0.8]) edited.splice(Math.floor(at * file.length), 6, ...codeTokens(tokenize, 6, Math.floor(at * 100)));
  return { prompt: [...codeTokens(tokenize, 64, 3), ...file, ...codeTokens(tokenize, 24, 5)], edited };
}

export async function run(engine: LocalEngine, request: Parameters<LocalEngine["generate"]>[0]): Promise<{ tokens: number; text: string; stats: GenerationStats }> {
  let text = "";
  let stats: GenerationStats | undefined;
  for await (const ev of engine.generate(request)) {
    if (ev.type === "text") text += ev.text;
    else stats = ev.stats;
  }
  if (!stats) throw new Error("generation ended without stats");
  return { tokens: stats.outputTokens, text, stats };
}

/**
 * Plain decode speed: `tokens` greedy tokens after a short prompt, no drafts. Exported so a
 * comparison can measure again right after the other side ran (the load on a shared machine drifts).
 */
export async function measureDecode(engine: LocalEngine, tokens = 128, signal?: AbortSignal): Promise<number> {
  await engine.clearSequence();
  const d = await run(engine, { prompt: codeTokens((t) => engine.tokenize(t), 64, 7), maxTokens: tokens, draftSource: null, ignoreEog: true, restore: false, persist: false, signal });
  return d.stats.decodeTps;
}

/** The copy-heavy edit's rounds: median tok/s of each side, every round's ratio, their median. */
interface CopyEditResult {
  plain: { decodeTps: number };
  spec: { decodeTps: number; draftProposed: number; draftAccepted: number };
  ratios: number[];
  specSpeedup: number;
  /** Every run wrote the same text. */
  identical: boolean;
}

/**
 * Plain and speculative runs of the same teacher-forced edit, alternating which goes first. The
 * prompt stays cached between runs (only the decode rate is compared, which starts at the first token).
 */
async function measureCopyEdit(engine: LocalEngine, prompt: Token[], edited: Token[], rounds: number, signal?: AbortSignal): Promise<CopyEditResult> {
  await engine.clearSequence();
  const once = (speculate: boolean): ReturnType<typeof run> =>
    run(engine, { prompt, target: edited, maxTokens: edited.length, draftSource: speculate ? undefined : null, persist: false, restore: false, signal });
  const plainTps: number[] = [];
  const specTps: number[] = [];
  const ratios: number[] = [];
  const texts = new Set<string>();
  let drafts = { draftProposed: 0, draftAccepted: 0 };
  for (let round = 0; round < Math.max(1, rounds); round++) {
    let plainRate = 0;
    let specRate = 0;
    for (const speculate of round % 2 === 0 ? [false, true] : [true, false]) {
      const r = await once(speculate);
      texts.add(r.text);
      const rate = r.stats.outputTokens > 1 ? r.stats.decodeTps : 0;
      if (!speculate) plainRate = rate;
      else {
        specRate = rate;
        drafts = { draftProposed: r.stats.draftProposed, draftAccepted: r.stats.draftAccepted };
      }
    }
    plainTps.push(plainRate);
    specTps.push(specRate);
    ratios.push(plainRate > 0 ? Math.round((specRate / plainRate) * 100) / 100 : 0);
  }
  return {
    plain: { decodeTps: median(plainTps) },
    spec: { decodeTps: median(specTps), ...drafts },
    ratios,
    specSpeedup: median(ratios),
    identical: texts.size === 1,
  };
}

/**
 * Measures prefill, decode, speculation on a copy-heavy edit (teacher-forced, so the model's
 * compute is real and its output is the edit), and TTFT for a prefix cold / warm / restored from disk.
 */
export async function runBench(engine: LocalEngine, options: BenchOptions = {}): Promise<BenchResult> {
  const say = options.onStep ?? (() => undefined);
  const noise = (count: number, seed: number): Token[] => codeTokens((t) => engine.tokenize(t), count, seed);
  const limit = engine.plan.contextSize - 256;
  const prefill: Record<string, number> = {};
  const prefixSize = Math.min(options.ttftPrefix ?? 8192, limit - 64);
  const sizes = (options.prefillSizes ?? [512, 4096, 8192]).filter((size) => {
    if (size <= limit) return true;
    say(`prefill ${size}: skipped (context ${engine.plan.contextSize})`);
    return false;
  });
  const longest = Math.max(prefixSize, ...sizes);
  const longText = noise(longest, longest);
  const prefix = longText.slice(0, prefixSize);
  await engine.clearSequence();
  // One cold prefill of the longest size; the decode loop reports each 512-token chunk, so the
  // time at which the first N tokens were in is the cold prefill time of an N-token prompt.
  const reached = new Map<number, number>();
  const beganAt = performance.now();
  const first = await run(engine, {
    prompt: [...longText, ...noise(16, 21)],
    maxTokens: 2,
    draftSource: null,
    ignoreEog: true,
    restore: false,
    persist: longest === prefixSize,
    signal: options.signal,
    onPrefillProgress: (done) => {
      for (const size of sizes) if (done >= size && !reached.has(size)) reached.set(size, performance.now());
    },
  });
  for (const size of sizes) {
    const at = reached.get(size);
    if (at === undefined) continue;
    prefill[String(size)] = Math.round((size / Math.max(1, at - beganAt)) * 1000 * 10) / 10;
    say(`prefill ${size} tokens: ${prefill[String(size)]} tok/s`);
  }
  let cold = first;
  if (longest !== prefixSize) {
    await engine.clearSequence();
    cold = await run(engine, { prompt: [...prefix, ...noise(16, 21)], maxTokens: 2, draftSource: null, ignoreEog: true, restore: false, signal: options.signal });
  }
  const warm = await run(engine, { prompt: [...prefix, ...noise(16, 22)], maxTokens: 2, draftSource: null, ignoreEog: true, persist: false, signal: options.signal });
  await engine.clearSequence();
  const restored = await run(engine, { prompt: [...prefix, ...noise(16, 23)], maxTokens: 2, draftSource: null, ignoreEog: true, persist: false, signal: options.signal });
  say(`TTFT with a ${prefixSize}-token prefix: cold ${cold.stats.ttftMs} ms, warm ${warm.stats.ttftMs} ms, restored from disk ${restored.stats.ttftMs} ms`);

  const decodeTps = await measureDecode(engine, options.decodeTokens ?? 128, options.signal);
  say(`decode: ${decodeTps} tok/s`);

  const { prompt, edited } = copyEditTask((t) => engine.tokenize(t), options.editTokens ?? 256);
  const edit = await measureCopyEdit(engine, prompt, edited, options.editRounds ?? 3, options.signal);
  const { plain, spec, specSpeedup } = edit;
  say(`copy-heavy edit (${edited.length} tokens): ${plain.decodeTps} → ${spec.decodeTps} tok/s with speculation (${specSpeedup}×: median of ${edit.ratios.join(", ")}; ${spec.draftAccepted}/${spec.draftProposed} drafts accepted)`);

  return {
    threads: engine.plan.threads,
    contextSize: engine.plan.contextSize,
    kvCacheType: describeKvTypes(engine.plan),
    contextMemoryBytes: engine.plan.kvCacheBytes,
    prefill,
    prefillTps: prefill[String(prefixSize)] ?? prefill[String(Math.max(...sizes))] ?? 0,
    decodeTps,
    specTps: spec.decodeTps,
    plainEditTps: plain.decodeTps,
    specSpeedup,
    draftProposed: spec.draftProposed,
    draftAccepted: spec.draftAccepted,
    outputIdentical: edit.identical,
    coldTtftMs: cold.stats.ttftMs,
    warmTtftMs: warm.stats.ttftMs,
    restoredTtftMs: restored.stats.ttftMs,
  };
}
