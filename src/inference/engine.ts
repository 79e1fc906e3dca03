import path from "node:path";
import type { Llama, LlamaContext, LlamaContextSequence, LlamaGrammar, LlamaModel, LlamaModelOptions, Token } from "node-llama-cpp";
import { ModelError } from "../errors.js";
import { cacheDir, prefixStatesDir } from "../paths.js";
import { decode, type DecodeEvent } from "./decode-loop.js";
import { detectMachine, llamaRuntime, recentLlamaLogs } from "./llama-runtime.js";
import type { MachineFacts } from "./machine.js";
import { modelFileHash } from "./model-hash.js";
import { readModelFacts, type ModelFacts } from "./model-facts.js";
import { PrefixStore } from "./prefix-store.js";
import { drainSamplerPool } from "./sampler-pool.js";
import { DraftModelDrafter, type Drafter } from "./draft-model.js";
import type { EditBlockTokenizer } from "./edit-blocks.js";
import { PromptLookupDrafter } from "./prompt-lookup.js";
import { AcceptanceModel, lineBreaksOf, Speculator, type LineBreakTest } from "./speculation.js";
import { timeBatches, type BatchTiming } from "./batch-timing.js";
import { FixedStepCost, OnlineStepCost, type StepCost, type StepCostModel } from "./step-cost.js";
import { threadsCacheFile, tunedThreads } from "./thread-tuning.js";
import type { WarmResult } from "./backend.js";
import { prefillWarm, WarmPriority, type EngineWarmRequest } from "./warm-prefill.js";
import { describeKvTypes, planWafer, ropeOverrides, type WaferPlan } from "./wafer-plan.js";

/** How to open the engine. */
export interface EngineOptions {
  modelPath: string;
  /** `--context`. Default: 131072 or the model's maximum. */
  contextSize?: number;
  /** `--threads`. Default: measured once per machine and cached. */
  threads?: number;
  /** Independent KV sequences (one per client/repo for `spark serve`). Default 1. */
  sequences?: number;
  /** A small model on the same vocabulary for draft-model speculation. Default none. */
  draftModelPath?: string;
  /** Persist and restore prefix KV states on disk. Default true. */
  persistPrefix?: boolean;
  /** Force flash attention on/off (benchmarks). Default: the wafer plan's choice (GPU on, CPU off). */
  flashAttention?: boolean;
  /** Load progress, 0..1. */
  onLoadProgress?: (fraction: number) => void;
  env?: NodeJS.ProcessEnv;
}

/** One generation on the engine. */
export interface EngineRequest {
  prompt: readonly Token[];
  maxTokens?: number;
  temperature?: number;
  /** GBNF grammar text. */
  grammar?: string;
  stop?: readonly string[];
  /** Tokens speculation copies from; default the prompt. `null` disables speculation. */
  draftSource?: readonly Token[] | null;
  /** Where drafts come from: the input ("lookup") or the draft model. Default "lookup". */
  drafter?: "lookup" | "draft-model";
  /**
   * The answer is asked to write SEARCH/REPLACE blocks: lookup drafts follow their structure
   * (marker lines, a REPLACE block copying its SEARCH block; prompt-lookup.ts). Default false.
   */
  editBlocks?: boolean;
  /**
   * The kind of answer (e.g. the edit format), kept as a parameter because acceptance learned on
   * one kind carries over to the next answer of that kind on the sequence. Default "text".
   */
  answerKind?: string;
  signal?: AbortSignal;
  /** Which KV sequence. Default 0. */
  sequence?: number;
  ignoreEog?: boolean;
  /** Restore a longer prefix from disk when one matches. Default true. */
  restore?: boolean;
  /** Save the prefix to disk after a long prefill. Default true. */
  persist?: boolean;
  /** Teacher-forced output (benchmarks); see DecodeParams.target. */
  target?: readonly Token[];
  /**
   * Price speculation's steps at this fixed cost instead of the one measured online, kept as a
   * parameter because benchmarks and tests replay an exact, timing-independent draft schedule.
   */
  stepCost?: StepCost;
  onPrefillProgress?: (done: number, total: number) => void;
  /** Per verification step: batch tokens, milliseconds and emitted tokens (benchmarks). */
  onStep?: (batch: number, ms: number, emitted: readonly Token[]) => void;
}

function contextFailure(err: unknown, plan: WaferPlan, facts: ModelFacts): ModelError {
  if (plan.kvKeyType === "Q8_0" && facts.headSize % 32 !== 0) {
    return new ModelError(`cannot create the context: a q8_0 KV cache needs a head size divisible by 32 (this model: ${facts.headSize})`, { cause: err });
  }
  if (plan.kvValueType === "Q8_0" && !plan.flashAttention) {
    return new ModelError("cannot create the context: a quantized V cache needs flash attention", { cause: err });
  }
  const log = [...recentLlamaLogs()].reverse().find((l) => /fail|error|alloc|memory|not supported/i.test(l));
  const why = log ?? (err instanceof Error ? err.message : String(err));
  return new ModelError(`cannot create a ${plan.contextSize}-token context: ${why}; try a smaller --context`, { cause: err });
}

/** The resident model: weights loaded once, the whole context allocated up front, prefixes kept. */
export class LocalEngine {
  private readonly sequences: LlamaContextSequence[];
  private readonly busy: Promise<void>[];
  /** What a step costs on each sequence, measured across its requests (depth and load drift). */
  private readonly stepCosts: OnlineStepCost[];
  /** Acceptance learned per sequence, drafter and kind of answer, carried from answer to answer. */
  private readonly acceptances = new Map<string, AcceptanceModel>();
  /** Generations pre-empt warms (src/inference/warm-prefill.ts). */
  private readonly priority = new WarmPriority();

  private constructor(
    readonly llama: Llama,
    readonly model: LlamaModel,
    readonly context: LlamaContext,
    readonly facts: ModelFacts,
    readonly machine: MachineFacts,
    readonly plan: WaferPlan,
    private readonly prefixStore: PrefixStore | undefined,
    private readonly draft: { model: LlamaModel; context: LlamaContext; sequence: LlamaContextSequence } | undefined,
  ) {
    this.sequences = Array.from({ length: context.totalSequences }, () => context.getSequence());
    this.busy = this.sequences.map(() => Promise.resolve());
    // A GPU verifies a batch for about the price of one token; a CPU's batches are compute-bound.
    this.stepCosts = this.sequences.map(() => new OnlineStepCost(plan.gpuLayers === "max" ? { prior: { surcharge: 0.05, slope: 0.02 } } : {}));
  }

  /** Loads the model by the wafer plan. Errors are ModelErrors with one clear line. */
  static async open(options: EngineOptions): Promise<LocalEngine> {
    const env = options.env ?? process.env;
    const facts = await readModelFacts(options.modelPath);
    const llama = await llamaRuntime({}, env);
    const machine = await detectMachine(llama);
    const firstPlan = planWafer(facts, machine, { contextSize: options.contextSize, threads: options.threads ?? machine.cores, sequences: options.sequences });
    let model: LlamaModel;
    try {
      model = await llama.loadModel({
        modelPath: options.modelPath,
        gpuLayers: firstPlan.gpuLayers === "max" ? "max" : 0,
        useMmap: false,
        onLoadProgress: options.onLoadProgress,
        // A context past the trained one: YaRN, set through the GGUF's rope-scaling keys.
        ...(firstPlan.ropeScaling ? { metadataOverrides: ropeOverrides(facts.architecture, firstPlan.ropeScaling) as LlamaModelOptions["metadataOverrides"] } : {}),
      });
    } catch (err) {
      const why = err instanceof Error ? err.message.split("\n")[0] : String(err);
      const log = [...recentLlamaLogs()].reverse().find((l) => /arch|unknown|fail|error/i.test(l));
      throw new ModelError(`cannot load model ${options.modelPath}: ${log ?? why}`, { cause: err });
    }
    try {
      const threads = options.threads ?? (await tunedThreads(llama, model, machine.cores, facts.fileSizeBytes, threadsCacheFile(cacheDir(env))));
      const plan = planWafer(facts, machine, {
        contextSize: options.contextSize,
        threads,
        flashAttentionSupported: model.flashAttentionSupported,
        flashAttention: options.flashAttention,
        sequences: options.sequences,
      });
      let context: LlamaContext;
      try {
        context = await model.createContext({
          contextSize: plan.contextSize,
          batchSize: plan.batchSize,
          sequences: plan.sequences,
          flashAttention: plan.flashAttention,
          threads: { ideal: plan.threads, min: plan.threads },
          experimentalKvCacheKeyType: plan.kvKeyType,
          experimentalKvCacheValueType: plan.kvValueType,
          ignoreMemorySafetyChecks: true,
        });
      } catch (err) {
        throw contextFailure(err, plan, facts);
      }
      let store: PrefixStore | undefined;
      if (options.persistPrefix ?? true) {
        const hash = await modelFileHash(options.modelPath, path.join(cacheDir(env), "model-hashes.json"));
        // llama.cpp loads a sequence state only into the same KV layout: streams (one per
        // sequence), cache types and the V layout flash attention changes.
        store = new PrefixStore(prefixStatesDir(env), hash, { layout: `s${plan.sequences}-${describeKvTypes(plan).replace("/", "-")}-fa${plan.flashAttention ? 1 : 0}` });
      }
      let draft: { model: LlamaModel; context: LlamaContext; sequence: LlamaContextSequence } | undefined;
      if (options.draftModelPath) {
        const draftModel = await llama.loadModel({ modelPath: options.draftModelPath, gpuLayers: plan.gpuLayers === "max" ? "max" : 0, useMmap: false });
        const draftContext = await draftModel.createContext({ contextSize: plan.contextSize, batchSize: plan.batchSize, threads: { ideal: plan.threads, min: plan.threads }, ignoreMemorySafetyChecks: true });
        draft = { model: draftModel, context: draftContext, sequence: draftContext.getSequence() };
      }
      return new LocalEngine(llama, model, context, facts, machine, plan, store, draft);
    } catch (err) {
      await model.dispose();
      throw err;
    }
  }

  tokenize(text: string, specialTokens = false): Token[] {
    return this.model.tokenize(text, specialTokens);
  }

  /** Tokens the given sequence holds (for reuse checks). */
  sequenceTokens(index = 0): readonly Token[] {
    return this.sequences[index]?.contextTokens ?? [];
  }

  /** Forgets what a sequence holds (benchmarks: a cold start without reloading). */
  async clearSequence(index = 0): Promise<void> {
    await this.sequences[index]?.clearHistory();
  }

  /** Times verification batches of each size at the depth of `prompt` (benchmarks; see batch-timing.ts). */
  async timeBatches(prompt: readonly Token[], tokens: readonly Token[], sizes: readonly number[], rounds = 2, index = 0): Promise<BatchTiming[]> {
    const sequence = this.sequences[index];
    if (!sequence) throw new ModelError(`no KV sequence ${index} (the engine has ${this.sequences.length})`);
    const release = await this.lock(index);
    try {
      return await timeBatches(sequence, prompt, tokens, sizes, rounds);
    } finally {
      release();
    }
  }

  /** Streams one generation; requests on the same sequence run one after another. */
  async *generate(request: EngineRequest): AsyncGenerator<DecodeEvent, void, undefined> {
    const index = request.sequence ?? 0;
    const sequence = this.sequences[index];
    if (!sequence) throw new ModelError(`no KV sequence ${index} (the engine has ${this.sequences.length})`);
    const ended = this.priority.generationStarts(index);
    try {
      const release = await this.lock(index);
      try {
        yield* this.generateOn(sequence, request);
      } finally {
        release();
      }
    } finally {
      ended();
    }
  }

  /**
   * Prefills a prompt prefix into a sequence at the lowest priority (see warm-prefill.ts): a
   * generation on that sequence stops it within one chunk, one on another pauses it. Resolves
   * with how far it got; throws only what llama.cpp throws.
   */
  async warm(request: EngineWarmRequest): Promise<WarmResult> {
    const index = request.sequence ?? 0;
    const sequence = this.sequences[index];
    const prompt = request.prompt;
    if (!sequence || prompt.length === 0 || prompt.length >= this.plan.contextSize) return { promptTokens: prompt.length, cachedTokens: 0, complete: false };
    const warm = this.priority.warmStarts(index, request.signal);
    try {
      const release = await this.lock(index);
      try {
        if (!warm.signal.aborted) await this.restorePrefix(sequence, prompt);
        return await prefillWarm(sequence, prompt, {
          signal: warm.signal,
          idle: () => this.priority.idle(warm.signal),
          chunk: request.chunk,
          onChunk: request.onChunk,
        });
      } finally {
        release();
      }
    } finally {
      warm.end();
    }
  }

  /** Waits for the sequence's earlier work; resolves with the function that lets the next in. */
  private async lock(index: number): Promise<() => void> {
    const previous = this.busy[index] ?? Promise.resolve();
    let release = (): void => undefined;
    this.busy[index] = new Promise<void>((resolve) => (release = resolve));
    await previous;
    return release;
  }

  private async *generateOn(sequence: LlamaContextSequence, request: EngineRequest): AsyncGenerator<DecodeEvent, void, undefined> {
    const prompt = request.prompt;
    if (prompt.length >= this.plan.contextSize) {
      throw new ModelError(`prompt of ${prompt.length} tokens does not fit the ${this.plan.contextSize}-token context`);
    }
    if (request.restore ?? true) await this.restorePrefix(sequence, prompt);
    const grammar = request.grammar ? await this.grammar(request.grammar) : undefined;
    const draftSource = request.draftSource === null ? undefined : (request.draftSource ?? prompt);
    let evaluated = 0;
    for await (const event of decode({
      llama: this.llama,
      model: this.model,
      sequence,
      prompt,
      maxTokens: request.maxTokens,
      temperature: request.temperature,
      grammar,
      speculator: this.speculatorFor(request, draftSource, request.stepCost ? new FixedStepCost(request.stepCost) : (this.stepCosts[request.sequence ?? 0] as StepCostModel)),
      stop: request.stop,
      signal: request.signal,
      ignoreEog: request.ignoreEog,
      target: request.target,
      onPrefillProgress: request.onPrefillProgress,
      onStep: request.onStep,
    })) {
      if (event.type === "stats") evaluated = event.stats.promptTokens - event.stats.cachedTokens;
      yield event;
    }
    // A long fresh prefill is worth keeping on disk for the next process.
    if (this.prefixStore && (request.persist ?? true) && evaluated >= 1024) await this.prefixStore.save(sequence);
  }

  /** Compiles `text` (kept for later requests); rejects when it is not valid GBNF. */
  async checkGrammar(text: string): Promise<void> {
    await this.grammar(text);
  }

  private readonly breaksLine: LineBreakTest = lineBreaksOf((tokens) => this.model.detokenize(tokens as Token[]));

  private readonly blockTokenizer: EditBlockTokenizer = {
    text: (tokens) => this.model.detokenize(tokens as Token[]),
    tokenize: (text) => this.model.tokenize(text, false),
  };

  /** Compiled grammars by text: the agent sends the same format grammar every turn. */
  private readonly grammars = new Map<string, Promise<LlamaGrammar>>();

  private grammar(text: string): Promise<LlamaGrammar> {
    let compiled = this.grammars.get(text);
    if (!compiled) {
      compiled = this.llama.createGrammar({ grammar: text });
      compiled.catch(() => this.grammars.delete(text));
      if (this.grammars.size >= 16) this.grammars.delete(this.grammars.keys().next().value as string);
      this.grammars.set(text, compiled);
    }
    return compiled;
  }

  private speculatorFor(request: EngineRequest, draftSource: readonly Token[] | undefined, cost: StepCostModel): Speculator | undefined {
    if (request.draftSource === null) return undefined;
    let drafter: Drafter | undefined;
    if (request.drafter === "draft-model") {
      if (!this.draft) throw new ModelError("draft-model speculation needs a draft model (draftModelPath)");
      drafter = new DraftModelDrafter(this.draft.sequence);
    } else if (draftSource) drafter = new PromptLookupDrafter(draftSource, request.editBlocks === true ? { editBlocks: this.blockTokenizer, breaksLine: this.breaksLine } : {});
    if (!drafter) return undefined;
    // Fixed prices replay exact schedules: they learn nothing across answers.
    const key = `${request.sequence ?? 0}:${request.drafter ?? "lookup"}:${request.editBlocks === true}:${request.answerKind ?? "text"}`;
    let acceptance: AcceptanceModel | undefined;
    if (!request.stepCost) {
      acceptance = this.acceptances.get(key) ?? new AcceptanceModel();
      this.acceptances.set(key, acceptance);
    }
    return new Speculator(drafter, cost, { breaksLine: this.breaksLine, acceptance });
  }

  private async restorePrefix(sequence: LlamaContextSequence, prompt: readonly Token[]): Promise<void> {
    if (!this.prefixStore) return;
    const inMemory = sequence.compareContextTokens([...prompt]).firstDifferentIndex;
    if (prompt.length - inMemory < 512) return;
    const match = await this.prefixStore.find(prompt);
    if (!match || match.common <= inMemory + 256) return;
    // Cleared first: a load that fails early leaves the KV cells it found while node-llama-cpp
    // forgets their tokens; cleared, a failure leaves an empty sequence that simply prefills.
    await sequence.clearHistory();
    try {
      await this.prefixStore.restore(sequence, match);
    } catch {
      // Saved by an engine of another layout or version, or damaged: skipped, and replaced by the
      // state this request's prefill saves. Never a failed request.
      await sequence.clearHistory();
      await this.prefixStore.discard(match);
    }
  }

  async dispose(): Promise<void> {
    if (this.draft) {
      await this.draft.context.dispose();
      drainSamplerPool(this.llama, this.draft.model);
      await this.draft.model.dispose();
    }
    await this.context.dispose();
    drainSamplerPool(this.llama, this.model);
    await this.model.dispose();
  }
}
