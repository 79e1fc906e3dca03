/**
 * The offline evaluator: ranks and grades every case of a snapshot (snapshot.ts) as the packer
 * does (estimated tokens, AGENTS.md's block taken from the budget), in memory, for the default
 * weights and any variants given. Prints recall in full text (and full or map) per budget, the
 * share of changed files ranked in the top 5 and 10, their mean reciprocal rank, and the ceiling
 * (changed files no larger than the budget).
 *
 *   node --import tsx bench/retrieval/offline.ts --snapshot /work/scratch/cline.snap --cases dev \
 *     --variant '{"weights":{"scope":0},"grade":{"pairFloor":1e9}}'
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { deserialize } from "node:v8";
import { AGENTS_FILE, rankFiles, type RankWeights } from "../../src/context/index.js";
import { chooseGrades, type GradeInput, type GradeOptions } from "../../src/context/grade.js";
import { taskOf } from "./cases.js";
import type { Snapshot } from "./snapshot.js";

/** Weights and grading knobs to try. */
interface Variant {
  weights?: Partial<RankWeights>;
  grade?: Partial<Pick<GradeOptions, "confidence" | "fullShare" | "sharpness" | "sizePenalty" | "pairFloor">>;
}

const { values } = parseArgs({
  options: {
    snapshot: { type: "string" },
    cases: { type: "string", default: "dev" },
    budgets: { type: "string", default: "24000,100000" },
    variant: { type: "string", multiple: true, default: [] },
  },
});
if (values.snapshot === undefined) throw new Error("--snapshot FILE (written by snapshot.ts) is required");
const snap = deserialize(readFileSync(values.snapshot)) as Snapshot;
const budgets = values.budgets.split(",").map(Number);
const variants: [string, Variant][] = [["defaults", {}], ...values.variant.map((v): [string, Variant] => [v, JSON.parse(v) as Variant])];
const cases = snap.cases.filter((c) => values.cases === "all" || (values.cases === "dev") === (c.case.index % 4 === 0));

const zero = (): { files: number; full: number; map: number; fits: number } => ({ files: 0, full: 0, map: 0, fits: 0 });
const tally = variants.map(() => ({ budgets: budgets.map(zero), top5: 0, top10: 0, rr: 0, files: 0 }));
for (const sc of cases) {
  const task = taskOf(sc.case);
  const eligible = sc.files.flatMap((f) => {
    const facts = f.hash !== undefined && f.skip === undefined && f.path !== AGENTS_FILE ? snap.blobs[f.hash] : undefined;
    return facts !== undefined ? [{ path: f.path, dirty: f.dirty, facts, blockTokens: f.blockTokens }] : [];
  });
  const agents = sc.files.find((f) => f.path === AGENTS_FILE && f.skip === undefined);
  const byPath = new Map(eligible.map((f) => [f.path, f]));
  const allPaths = sc.files.map((f) => f.path);
  variants.forEach(([, v], vi) => {
    const t = tally[vi] as (typeof tally)[number];
    const ranked = rankFiles(eligible, { task, history: sc.history, ...(v.weights ? { weights: v.weights } : {}) });
    const rankOf = new Map(ranked.map((r, i) => [r.path, i]));
    for (const f of sc.case.files) {
      const r = rankOf.get(f) ?? Number.POSITIVE_INFINITY;
      t.files++;
      t.top5 += r < 5 ? 1 : 0;
      t.top10 += r < 10 ? 1 : 0;
      t.rr += 1 / (r + 1);
    }
    const inputs: GradeInput[] = ranked.map((r) => ({ ...r, fullTokens: byPath.get(r.path)?.blockTokens ?? 0, outline: byPath.get(r.path)?.facts.outline ?? "" }));
    budgets.forEach((budget, bi) => {
      const room = budget - (agents !== undefined && agents.blockTokens <= budget ? agents.blockTokens : 0);
      const role = new Map(chooseGrades({ ranked: inputs, budget: room, allPaths, ...v.grade }).map((g) => [g.path, g.role]));
      const b = t.budgets[bi] as ReturnType<typeof zero>;
      for (const f of sc.case.files) {
        b.files++;
        b.full += role.get(f) === "full" ? 1 : 0;
        b.map += role.get(f) === "map" ? 1 : 0;
        b.fits += (byPath.get(f)?.blockTokens ?? Number.POSITIVE_INFINITY) <= room ? 1 : 0;
      }
    });
  });
}
console.log(`${cases.length} cases (${values.cases})\n`);
console.log(`| variant | ${budgets.map((b) => `${b} full | full or map | ceiling`).join(" | ")} | top 5 | top 10 | MRR |`);
console.log(`|---|${budgets.map(() => "---:|---:|---:").join("|")}|---:|---:|---:|`);
variants.forEach(([name], vi) => {
  const t = tally[vi] as (typeof tally)[number];
  const per = t.budgets.map((b) => `${(b.full / b.files).toFixed(3)} | ${((b.full + b.map) / b.files).toFixed(3)} | ${(b.fits / b.files).toFixed(2)}`);
  console.log(`| ${name} | ${per.join(" | ")} | ${(t.top5 / t.files).toFixed(3)} | ${(t.top10 / t.files).toFixed(3)} | ${(t.rr / t.files).toFixed(3)} |`);
});
