/**
 * Snapshot of every case for the offline evaluator (offline.ts): per case, the scanned files
 * (path, blob id, estimated tokens) and the recent history at its parent; blob facts once.
 * Ranking and grading then run in memory, without checkouts, for many weight settings.
 *
 *   node --import tsx bench/retrieval/snapshot.ts --mirror /work/.mirror/cline+cline/repo \
 *     --data ../shared/data/retrieval-dev.jsonl --work /work/scratch/cline --out /work/scratch/cline.snap
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { serialize } from "node:v8";
import { AGENTS_FILE, FactsCache } from "../../src/context/index.js";
import type { BlobFacts } from "../../src/context/facts.js";
import { scanFiles } from "../../src/context/scan.js";
import { listRepoFiles } from "../../src/git/files.js";
import { recentHistory } from "../../src/git/history.js";
import { loadCases, type RetrievalCase } from "./cases.js";
import { checkoutAt, scratchClone } from "./checkout.js";

/** One case as the evaluator sees it. */
export interface SnapshotCase {
  case: RetrievalCase;
  files: { path: string; dirty: boolean; hash?: string; skip?: string; blockTokens: number }[];
  history: string[][];
}

/** Every case of a data file, with the facts of every blob they use. */
export interface Snapshot {
  cases: SnapshotCase[];
  blobs: Record<string, BlobFacts>;
}

const isMain = process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(import.meta.filename);
if (isMain) {
  const { values } = parseArgs({ options: { mirror: { type: "string" }, data: { type: "string" }, work: { type: "string" }, out: { type: "string" } } });
  if (values.mirror === undefined || values.data === undefined || values.work === undefined || values.out === undefined) {
    throw new Error("--mirror, --data, --work and --out are required");
  }
  const root = await scratchClone(values.mirror, values.work);
  const cache = await FactsCache.open(undefined);
  const snapshot: Snapshot = { cases: [], blobs: {} };
  for (const c of loadCases(values.data, "all")) {
    await checkoutAt(root, c.parent);
    const [listed, { commits }] = await Promise.all([listRepoFiles(root), recentHistory(root, 1000)]);
    const scanned = scanFiles(root, listed, cache, { alwaysInclude: new Set([AGENTS_FILE]) });
    const files = scanned.map((f) => {
      if (f.hash !== undefined && f.facts !== undefined) snapshot.blobs[f.hash] = f.facts;
      return { path: f.path, dirty: f.dirty, blockTokens: f.blockTokens, ...(f.hash !== undefined ? { hash: f.hash } : {}), ...(f.skip !== undefined ? { skip: f.skip } : {}) };
    });
    snapshot.cases.push({ case: c, files, history: commits });
    process.stderr.write(`#${c.index}: ${files.length} files\n`);
  }
  writeFileSync(values.out, serialize(snapshot));
}
