/**
 * Retrieval cases from any repository's history, in retrieval-dev.jsonl's shape: the newest
 * non-merge commits that modified 1–3 existing files (no additions, deletions or renames) of text.
 *
 *   node --import tsx bench/retrieval/make-cases.ts --mirror DIR [--count 40] [--skip 0] > cases.jsonl
 */
import { execFileSync } from "node:child_process";
import { parseArgs } from "node:util";
import { skipByPath } from "../../src/context/filters.js";

const { values } = parseArgs({ options: { mirror: { type: "string" }, count: { type: "string", default: "40" }, skip: { type: "string", default: "0" }, repo: { type: "string" } } });
if (values.mirror === undefined) throw new Error("--mirror PATH (a git directory) is required");
const out = execFileSync("git", ["--git-dir", values.mirror, "log", "--no-merges", "-n", "5000", "--format=%x01%H %P%x02%cI%x02%B%x03", "--name-status", "--no-renames"], {
  encoding: "utf8",
  maxBuffer: 256 * 2 ** 20,
});
let skipped = 0;
let written = 0;
for (const chunk of out.split("\x01")) {
  if (written >= Number(values.count)) break;
  const [head = "", rest = ""] = chunk.split("\x03");
  const [ids = "", date = "", message = ""] = head.split("\x02");
  const [commit, parent, ...more] = ids.split(" ");
  if (commit === undefined || parent === undefined || more.length > 0) continue;
  const changes = rest.split("\n").map((l) => l.split("\t")).filter((p) => p.length === 2);
  if (changes.length === 0 || changes.length > 3 || changes.some(([s, f]) => s !== "M" || f === undefined || skipByPath(f) !== undefined)) continue;
  if ((message.split("\n")[0] ?? "").trim().length < 12) continue;
  if (skipped++ < Number(values.skip)) continue;
  const files = changes.map(([, f]) => f as string);
  process.stdout.write(`${JSON.stringify({ repo: values.repo ?? values.mirror, commit, parent, date, message: message.trim(), files })}\n`);
  written++;
}
