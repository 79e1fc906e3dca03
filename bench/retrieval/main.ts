/**
 * Retrieval benchmark: for real commits, does the packer put the files the commit changed into
 * the context, given only the commit message's first line as the task (no file named)?
 *
 *   node --import tsx bench/retrieval/main.ts --mirror /work/.mirror/cline+cline/repo \
 *     [--data ../shared/data/retrieval-dev.jsonl] [--cases dev|rest|all] [--limit N] \
 *     [--budgets 24000,100000] [--model PATH] [--cold all|first] [--json]
 *
 * Each case checks out its parent in a scratch clone (`--work`, default
 * $TMPDIR/spark-retrieval/<repo>), packs at each budget and records where every changed file went:
 * in full text, in the repo map, only in the tree listing, or nowhere. Pack times: cold = an
 * empty packer cache, warm = the same pack again. Tokens are the packer's estimate unless
 * `--model` gives a GGUF whose tokenizer counts them.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { median } from "../../src/median.js";
import { loadCases, taskOf, type CaseSelection } from "./cases.js";
import { checkoutAt, scratchClone } from "./checkout.js";
import { packerUnderTest } from "./packer.js";
import { missTable, recallOf, recallTable, type CaseResult } from "./report.js";

const { values } = parseArgs({
  options: {
    data: { type: "string", default: path.resolve("..", "shared", "data", "retrieval-dev.jsonl") },
    mirror: { type: "string" },
    work: { type: "string" },
    cases: { type: "string", default: "dev" },
    limit: { type: "string" },
    budgets: { type: "string", default: "24000,100000" },
    model: { type: "string" },
    cold: { type: "string", default: "all" },
    json: { type: "boolean", default: false },
  },
});

if (values.mirror === undefined) throw new Error("--mirror PATH (a bare clone of the cases' repository) is required");
const selection = values.cases as CaseSelection;
const cases = loadCases(values.data, selection, values.limit !== undefined ? Number(values.limit) : undefined);
const budgets = values.budgets.split(",").map(Number);
const work = values.work ?? path.join(os.tmpdir(), "spark-retrieval", path.basename(path.dirname(values.mirror)) || "repo");
const root = await scratchClone(values.mirror, work);
const packer = await packerUnderTest(values.model);
const log = (line: string): void => void process.stderr.write(`${line}\n`);

const results: CaseResult[] = [];
const cold: number[] = [];
const warm: number[] = [];
const coldCpu: number[] = [];
const warmCpu: number[] = [];
let sharedCache: string | undefined;
try {
  for (const c of cases) {
    await checkoutAt(root, c.parent);
    const task = taskOf(c);
    const coldCache = values.cold === "all" || sharedCache === undefined;
    const cacheDir = coldCache ? mkdtempSync(path.join(os.tmpdir(), "spark-retrieval-cache-")) : (sharedCache as string);
    for (const [i, budget] of budgets.entries()) {
      const r = await packer.pack({ root, task, budget, cacheDir });
      if (i === 0) {
        (coldCache ? cold : warm).push(r.ms);
        (coldCache ? coldCpu : warmCpu).push(r.cpuMs);
        if (coldCache) {
          const again = await packer.pack({ root, task, budget, cacheDir });
          warm.push(again.ms);
          warmCpu.push(again.cpuMs);
        }
      }
      const placements: CaseResult["placements"] = {};
      const ranks: CaseResult["ranks"] = {};
      for (const f of c.files) {
        placements[f] = r.full.includes(f) ? "full" : r.map.includes(f) ? "map" : r.listed.includes(f) ? "listed" : "absent";
        ranks[f] = r.rank.get(f);
      }
      results.push({ case: c, task, budget, placements, ranks, tokens: r.tokens });
      log(`#${c.index} ${budget}: ${c.files.map((f) => `${placements[f]}:${path.basename(f)}`).join(" ")}  (${Math.round(r.ms)} ms)  ${task.slice(0, 60)}`);
    }
    if (values.cold === "all") rmSync(cacheDir, { recursive: true, force: true });
    else sharedCache = cacheDir;
  }
} finally {
  if (sharedCache !== undefined) rmSync(sharedCache, { recursive: true, force: true });
  await packer.close();
}

const recalls = budgets.map((b) => recallOf(b, results.filter((r) => r.budget === b)));
const summary = {
  repo: cases[0]?.repo,
  cases: selection,
  count: cases.length,
  packer: packer.name,
  tokenizer: packer.tokenizer,
  recalls,
  coldMedianMs: Math.round(median(cold)),
  warmMedianMs: Math.round(median(warm)),
  coldMedianCpuMs: Math.round(median(coldCpu)),
  warmMedianCpuMs: Math.round(median(warmCpu)),
  coldRuns: cold.length,
  loadAverage: os.loadavg().map((l) => l.toFixed(1)).join(" "),
};
if (values.json) console.log(JSON.stringify(summary));
else {
  console.log(`${summary.repo}: ${summary.count} cases (${selection}), packer ${packer.name}, tokens by ${packer.tokenizer}\n`);
  console.log(recallTable(recalls));
  console.log(
    `\npack time: cold median ${summary.coldMedianMs} ms (${summary.coldMedianCpuMs} ms CPU, ${cold.length} runs), warm median ${summary.warmMedianMs} ms (${summary.warmMedianCpuMs} ms CPU); load average ${summary.loadAverage} on ${os.cpus().length} cores\n`,
  );
  console.log(missTable(results));
}
