import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import type { LlamaContextSequence, Token } from "node-llama-cpp";

/** A saved KV state whose tokens share a prefix with a prompt. */
export interface PrefixMatch {
  stateFile: string;
  /** Tokens the state holds. */
  tokens: Uint32Array;
  /** Length of the prefix shared with the prompt. */
  common: number;
}

/** Options of the prefix store. */
export interface PrefixStoreOptions {
  /** Total bytes kept on disk for this model; least recently used states go first. Default 4 GiB. */
  maxBytes?: number;
  /** Shortest shared prefix worth restoring. Default 256 tokens. */
  minCommon?: number;
  /**
   * The context layout states are only loadable into (KV streams, cache types, flash attention's V
   * layout): states of another layout are kept apart. Default "" (one layout).
   */
  layout?: string;
}

function commonPrefix(a: Uint32Array, b: readonly Token[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

/**
 * Sequence KV states on disk, keyed by (model file hash, hash of the token prefix), so the next
 * process skips the repo prefill. States are written atomically and capped in size (LRU).
 */
export class PrefixStore {
  private readonly dir: string;
  private readonly maxBytes: number;
  private readonly minCommon: number;

  constructor(root: string, modelHash: string, options: PrefixStoreOptions = {}) {
    this.dir = path.join(root, modelHash.slice(0, 16), options.layout ?? "");
    this.maxBytes = options.maxBytes ?? 4 * 2 ** 30;
    this.minCommon = options.minCommon ?? 256;
  }

  /** The saved state sharing the longest prefix with `prompt`, if long enough to be worth loading. */
  async find(prompt: readonly Token[]): Promise<PrefixMatch | undefined> {
    let names: string[];
    try {
      names = (await readdir(this.dir)).filter((n) => n.endsWith(".tokens"));
    } catch {
      return undefined;
    }
    let best: PrefixMatch | undefined;
    for (const name of names) {
      const tokensFile = path.join(this.dir, name);
      let tokens: Uint32Array;
      try {
        const buf = await readFile(tokensFile);
        tokens = new Uint32Array(buf.buffer, buf.byteOffset, Math.floor(buf.length / 4));
      } catch {
        continue;
      }
      const common = commonPrefix(tokens, prompt);
      if (common >= this.minCommon && (!best || common > best.common)) {
        best = { stateFile: tokensFile.replace(/\.tokens$/, ".state"), tokens, common };
      }
    }
    if (best) {
      const now = new Date();
      await utimes(best.stateFile, now, now).catch(() => undefined);
    }
    return best;
  }

  /** Loads a match into `sequence` (replacing what it holds). */
  async restore(sequence: LlamaContextSequence, match: PrefixMatch): Promise<void> {
    await sequence.loadStateFromFile(match.stateFile, { acceptRisk: true });
  }

  /** Deletes a state that could not be restored (the next long prefill saves a new one). */
  async discard(match: PrefixMatch): Promise<void> {
    await rm(match.stateFile, { force: true });
    await rm(match.stateFile.replace(/\.state$/, ".tokens"), { force: true });
  }

  /** Saves what `sequence` holds now; evicts the least recently used states beyond the cap. */
  async save(sequence: LlamaContextSequence): Promise<void> {
    const tokens = Uint32Array.from(sequence.contextTokens);
    if (tokens.length === 0) return;
    const key = createHash("sha256").update(Buffer.from(tokens.buffer)).digest("hex").slice(0, 32);
    await mkdir(this.dir, { recursive: true });
    const stateFile = path.join(this.dir, `${key}.state`);
    const tmp = `${stateFile}.${process.pid}.tmp`;
    await sequence.saveStateToFile(tmp);
    await writeFile(path.join(this.dir, `${key}.tokens.tmp`), Buffer.from(tokens.buffer));
    await rename(tmp, stateFile);
    await rename(path.join(this.dir, `${key}.tokens.tmp`), path.join(this.dir, `${key}.tokens`));
    await this.evict();
  }

  private async evict(): Promise<void> {
    const names = (await readdir(this.dir)).filter((n) => n.endsWith(".state"));
    const entries = await Promise.all(
      names.map(async (n) => {
        const st = await stat(path.join(this.dir, n)).catch(() => undefined);
        return { name: n, size: st?.size ?? 0, used: st?.mtimeMs ?? 0 };
      }),
    );
    entries.sort((a, b) => b.used - a.used);
    let total = 0;
    for (const e of entries) {
      total += e.size;
      if (total > this.maxBytes) {
        await rm(path.join(this.dir, e.name), { force: true });
        await rm(path.join(this.dir, e.name.replace(/\.state$/, ".tokens")), { force: true });
      }
    }
  }
}
