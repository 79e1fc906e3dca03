/**
 * Pack time of one repository, as `spark context` packs it: cold (an empty facts cache) and warm
 * (the same pack in a new process reading the cache the cold one wrote), each pack in a process
 * of its own. Reports the median wall time and CPU time of the pack (module loading excluded;
 * git's own CPU is not in it) and a digest of the result, which must not differ between runs.
 *
 *   node --import tsx bench/retrieval/pack-time.ts --repo /work/scratch/cline [--task T] [--runs 3] [--budget N] [--json]
 *
 * A fresh clone's index is "racily clean" (files as new as the index), so `git ls-files -m` in
 * every pack re-reads them; run `git status` once in the checkout before measuring.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { median } from "../../src/median.js";

const { values } = parseArgs({
  options: {
    repo: { type: "string" },
    task: { type: "string", default: "fix(cli): stop streaming markdown from flashing raw text" },
    runs: { type: "string", default: "3" },
    budget: { type: "string", default: "113488" },
    once: { type: "string" },
    json: { type: "boolean", default: false },
  },
});

interface Once {
  ms: number;
  cpuMs: number;
  digest: string;
}

if (values.once !== undefined) {
  // Child: one pack with the cache folder given, timed after the modules are loaded.
  const { packContext } = await import("../../src/context/index.js");
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const p = await packContext({ root: values.repo ?? ".", task: values.task ?? "", budget: Number(values.budget), cacheDir: values.once });
  const c = process.cpuUsage(c0);
  const digest = createHash("sha1")
    .update(JSON.stringify({ files: p.files.map((f) => [f.path, f.role, f.rank, f.score, f.tokens]), ranking: p.ranking, text: p.text }))
    .digest("hex")
    .slice(0, 12);
  const out: Once = { ms: Math.round(performance.now() - t0), cpuMs: Math.round((c.user + c.system) / 1000), digest };
  process.stdout.write(`${JSON.stringify(out)}\n`);
} else {
  if (values.repo === undefined) throw new Error("--repo PATH (a checkout) is required");
  const self = fileURLToPath(import.meta.url);
  const once = (cacheDir: string): Once => {
    const args = ["--import", "tsx", self, "--repo", path.resolve(values.repo ?? "."), "--task", values.task ?? "", "--budget", values.budget ?? "", "--once", cacheDir];
    return JSON.parse(execFileSync(process.execPath, args, { encoding: "utf8" })) as Once;
  };
  const cold: Once[] = [];
  const warm: Once[] = [];
  for (let i = 0; i < Number(values.runs); i++) {
    const cacheDir = mkdtempSync(path.join(os.tmpdir(), "spark-pack-time-"));
    try {
      cold.push(once(cacheDir));
      warm.push(once(cacheDir));
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  }
  const summary = {
    cold: { ms: median(cold.map((r) => r.ms)), cpuMs: median(cold.map((r) => r.cpuMs)) },
    warm: { ms: median(warm.map((r) => r.ms)), cpuMs: median(warm.map((r) => r.cpuMs)) },
    digests: [...new Set([...cold, ...warm].map((r) => r.digest))],
    load: os.loadavg().map((l) => Number(l.toFixed(2))),
  };
  if (values.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else {
    process.stdout.write(`cold: ${summary.cold.ms} ms (CPU ${summary.cold.cpuMs} ms)  warm: ${summary.warm.ms} ms (CPU ${summary.warm.cpuMs} ms)\n`);
    process.stdout.write(`result digests: ${summary.digests.join(" ")}  load: ${summary.load.join(" ")}\n`);
  }
}
