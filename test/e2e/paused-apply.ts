/**
 * `spark apply` as the binary runs it (stdin, parse, plan, lock, checkpoint, apply) in its own
 * process, with one seam wired: once the first file of a multi-file plan is in place it writes
 * the marker file and waits forever, for apply-crash.test.ts to SIGKILL it between two files.
 *
 *   node --import tsx test/e2e/paused-apply.ts MARKER REPO [spark apply options]
 */
import { writeFileSync } from "node:fs";
import { main, processContext } from "../../src/cli/main.js";

const [marker, repo, ...options] = process.argv.slice(2);
if (marker === undefined || repo === undefined) throw new Error("usage: paused-apply.ts MARKER REPO [options]");

async function pauseAfterFirst(done: number, total: number): Promise<void> {
  if (done !== 1 || total < 2) return;
  writeFileSync(marker as string, `${process.pid}\n`);
  await new Promise<never>(() => {
    // The interval keeps the event loop alive; nothing ever resolves this promise.
    setInterval(() => undefined, 1 << 30);
  });
}

process.exitCode = await main(["apply", ...options], { ...processContext(), cwd: repo, applyOptions: { onFileReplaced: pauseAfterFirst } });
