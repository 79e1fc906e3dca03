/** The packer the retrieval bench measures, behind one small interface. */
import { FactsCache, packContext } from "../../src/context/index.js";

/** What one pack put where. */
export interface BenchPack {
  full: string[];
  map: string[];
  listed: string[];
  /** Rank of every ranked file (0 = best). */
  rank: Map<string, number>;
  tokens: number;
  ms: number;
  /** CPU time of this process (git's own is not in it): less sensitive to a busy machine. */
  cpuMs: number;
}

export interface BenchPacker {
  name: string;
  tokenizer: string;
  pack(args: { root: string; task: string; budget: number; cacheDir: string }): Promise<BenchPack>;
  close(): Promise<void>;
}

/** The context engine; tokens counted by `modelPath`'s tokenizer (vocabulary only) or estimated. */
export async function packerUnderTest(modelPath: string | undefined): Promise<BenchPacker> {
  let count: ((t: string) => Promise<number>) | undefined;
  let close = async (): Promise<void> => {};
  let tokenizer = "estimate";
  if (modelPath !== undefined) {
    const { getLlama } = await import("node-llama-cpp");
    const llama = await getLlama({ gpu: false });
    const model = await llama.loadModel({ modelPath, vocabOnly: true });
    count = async (t) => model.tokenize(t).length;
    close = () => model.dispose();
    tokenizer = modelPath;
  }
  return {
    name: "context",
    tokenizer,
    async pack({ root, task, budget, cacheDir }) {
      FactsCache.forgetLoaded(); // every pack starts from disk, as a new `spark` process does
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const p = await packContext({ root, task, budget, ...(count ? { countTokens: count } : {}), tokenizer, cacheDir });
      const ms = performance.now() - t0;
      const c = process.cpuUsage(c0);
      return {
        cpuMs: (c.user + c.system) / 1000,
        full: p.files.filter((f) => f.role !== "map").map((f) => f.path),
        map: p.files.filter((f) => f.role === "map").map((f) => f.path),
        listed: p.listed,
        rank: new Map(p.ranking.map((r, i) => [r.path, i])),
        tokens: p.tokens,
        ms,
      };
    },
    close,
  };
}
