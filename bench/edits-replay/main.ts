/**
 * Replays real commits through every edit format: writes each change as a model would, streams it
 * through the parser in token-sized chunks, plans and applies it on an in-memory file system, and
 * compares with the commit's `after` byte for byte. A second pass imitates model mistakes.
 *
 *   node --import tsx bench/edits-replay/main.ts [--data FILE] [--limit N] [--json] [--verbose]
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { splitLines } from "../../src/edits/document.js";
import { applyPlan, createMemoryFs, formats, isEditError, planEdits, type Edit, type FormatName } from "../../src/edits/index.js";
import { driftSearchReplace, driftUdiff, driftWhole, indentUnit, Rng, type DriftKind } from "./drift.js";
import { commitsFile, readCommits, type Commit } from "../replay/commits.js";
import { changes, mergeChanges, writeSearchReplace, writeUdiff, writeWhole } from "./writers.js";

const DRIFTS: Record<FormatName, DriftKind[]> = {
  "search-replace": ["indent", "trailing-ws", "quotes", "elide", "no-final-newline"],
  udiff: ["indent", "trailing-ws", "quotes", "line-numbers", "no-final-newline"],
  whole: ["elide", "no-final-newline"],
};
const FORMATS: FormatName[] = ["search-replace", "udiff", "whole"];
/** Characters per streamed chunk, about one token. */
const CHUNK = 4;

function args(argv: string[]): { data: string | undefined; limit: number; json: boolean; verbose: boolean } {
  const get = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  return { data: commitsFile(get("--data")), limit: Number(get("--limit") ?? Infinity), json: argv.includes("--json"), verbose: argv.includes("--verbose") };
}

function response(format: FormatName, edits: Edit[], finalNewline: boolean): string {
  const body = formats[format].render(edits);
  return finalNewline ? `I'll make that change.\n\n${body}\nThat should do it.\n` : `I'll make that change.\n\n${body.replace(/\n$/, "")}`;
}

function writeExact(format: FormatName, c: Commit): string {
  const edits: Edit[] = format === "search-replace" ? writeSearchReplace(c.path, c.before, c.after) : format === "udiff" ? [writeUdiff(c.path, c.before, c.after)] : [writeWhole(c.path, c.after)];
  return response(format, edits, true);
}

function writeDrifted(format: FormatName, c: Commit, rng: Rng): { text: string; kinds: DriftKind[] } {
  const options = DRIFTS[format];
  let kinds = options.filter(() => rng.next() < 0.5);
  if (kinds.length === 0) kinds = [options[rng.int(0, options.length - 1)] ?? "indent"];
  const set = new Set(kinds);
  const unit = indentUnit(splitLines(c.before).lines);
  let edits: Edit[];
  if (format === "search-replace") {
    const a = splitLines(c.before).lines;
    const cs = set.has("elide") ? mergeChanges(changes(a, splitLines(c.after).lines), 40) : undefined;
    edits = driftSearchReplace(writeSearchReplace(c.path, c.before, c.after, cs), set, unit);
  } else if (format === "udiff") edits = [driftUdiff(writeUdiff(c.path, c.before, c.after), set, unit, rng)];
  else edits = [driftWhole(writeWhole(c.path, c.after), c.before, set)];
  return { text: response(format, edits, !set.has("no-final-newline")), kinds };
}

async function replay(format: FormatName, c: Commit, reply: string): Promise<{ ok: boolean; us: number; why?: string }> {
  const fs = createMemoryFs();
  const root = "/repo";
  const file = path.posix.join(root, c.path);
  fs.put(file, c.before);
  const t0 = process.hrtime.bigint();
  try {
    const parser = formats[format].createParser();
    const edits: Edit[] = [];
    for (let i = 0; i < reply.length; i += CHUNK) for (const ev of parser.push(reply.slice(i, i + CHUNK))) if (ev.type === "edit") edits.push(ev.edit);
    for (const ev of parser.end()) if (ev.type === "edit") edits.push(ev.edit);
    const plan = await planEdits(root, edits, { fs });
    await applyPlan(root, plan, { fs });
    const us = Number(process.hrtime.bigint() - t0) / 1000;
    const got = fs.text(file);
    return got === c.after ? { ok: true, us } : { ok: false, us, why: "result differs from after" };
  } catch (err) {
    const us = Number(process.hrtime.bigint() - t0) / 1000;
    return { ok: false, us, why: isEditError(err) ? err.message : String(err) };
  }
}

interface Cell {
  pass: number;
  total: number;
  us: number;
  kb: number;
}

async function main(): Promise<void> {
  const opt = args(process.argv.slice(2));
  if (opt.data === undefined || !existsSync(opt.data)) {
    process.stderr.write(`edits-replay: ${opt.data === undefined ? "no data set named" : `no data at ${opt.data}`}: pass --data FILE or set SPARK_BENCH_DATA (JSONL of real single-file commits)\n`);
    process.exitCode = 2;
    return;
  }
  const commits = readCommits(opt.data).slice(0, opt.limit);
  const cells = new Map<string, Cell>();
  const byKind = new Map<string, { pass: number; total: number }>();
  const cell = (k: string): Cell => cells.get(k) ?? (cells.set(k, { pass: 0, total: 0, us: 0, kb: 0 }), cells.get(k) as Cell);
  for (const [n, c] of commits.entries()) {
    for (const format of FORMATS) {
      const rng = new Rng(n * 31 + FORMATS.indexOf(format));
      const exact = writeExact(format, c);
      const drifted = writeDrifted(format, c, rng);
      for (const [pass, reply] of [["exact", exact], ["drifted", drifted.text]] as const) {
        const r = await replay(format, c, reply);
        const k = cell(`${format}/${pass}`);
        k.total++;
        k.us += r.us;
        k.kb += reply.length / 1024;
        if (r.ok) k.pass++;
        if (pass === "drifted") {
          for (const d of drifted.kinds) {
            const s = byKind.get(`${format}/${d}`) ?? { pass: 0, total: 0 };
            s.total++;
            if (r.ok) s.pass++;
            byKind.set(`${format}/${d}`, s);
          }
        }
        if (!r.ok && opt.verbose) process.stderr.write(`FAIL ${format}/${pass} #${n} ${c.path} ${"kinds" in drifted && pass === "drifted" ? drifted.kinds.join("+") : ""}: ${r.why}\n`);
      }
    }
  }
  const rows = [...cells].map(([k, v]) => {
    const [format, pass] = k.split("/");
    return { format, pass, passRate: v.pass / v.total, passed: v.pass, total: v.total, usPerKb: v.us / v.kb, msPerReply: v.us / v.total / 1000, kbPerReply: v.kb / v.total };
  });
  const kinds = [...byKind].map(([k, v]) => ({ drift: k, passRate: v.pass / v.total, passed: v.pass, total: v.total }));
  if (opt.json) {
    process.stdout.write(JSON.stringify({ commits: commits.length, rows, kinds }) + "\n");
    return;
  }
  const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
  const lines = [`edits-replay: ${commits.length} commits from ${opt.data}`, "", "| format | pass | pass rate | µs/KB of reply (parse+plan+apply) | ms/reply | KB/reply |", "|---|---|---|---|---|---|"];
  for (const r of rows) lines.push(`| ${r.format} | ${r.pass} | ${pct(r.passRate)} (${r.passed}/${r.total}) | ${r.usPerKb.toFixed(0)} | ${r.msPerReply.toFixed(2)} | ${r.kbPerReply.toFixed(1)} |`);
  lines.push("", "| drift kind (within drifted pass) | pass rate |", "|---|---|");
  for (const k of kinds) lines.push(`| ${k.drift} | ${pct(k.passRate)} (${k.passed}/${k.total}) |`);
  process.stdout.write(lines.join("\n") + "\n");
}

await main();
