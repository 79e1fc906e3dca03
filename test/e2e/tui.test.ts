/**
 * `spark` (the TUI) as a person uses it: the real `node bin/spark.js` (needs `npm run build`) in a
 * real terminal (tmux, 110×34, TERM=xterm) with the successor fixture model, whose replies are
 * forced by SPARK_FORCED_REPLY so the model "writes" a known edit through the real decode and
 * apply path. After each phase the whole screen is checked as a person would read it
 * (`waitForIntactScreen`): one status line, one prompt, no stale fragments.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { hasTmux, waitForIntactScreen } from "../tui/tmux.js";
import { BIN as bin, tuiWorld } from "./tui-harness.js";

const w = tuiWorld();
const env = w.env;
const gitRepo = (): string => w.repo({ "a.txt": "hello\nworld\n" });

/** The forced replies, one per turn. */
const REPLY = {
  edit: "I will handle it by renaming world to planet in a.txt, which is the only file that says world.\n\na.txt\n<<<<<<< SEARCH\nworld\n=======\nplanet\n>>>>>>> REPLACE\n",
  long: Array.from({ length: 200 }, (_, i) => `Line ${i} of a long answer that keeps the model streaming.\n`).join(""),
  short: "All good here.\n",
};

const replyFiles = (): string => w.replies(REPLY.edit, REPLY.long, REPLY.short);

describe.skipIf(!hasTmux())("spark TUI in a terminal", () => {
  it("task → diff → y applies and names the checkpoint → /undo restores → Ctrl-C cancels mid-stream → the session goes on → resize; the screen stays whole", async () => {
    const repo = gitRepo();
    const t = w.start(repo, [], { SPARK_FORCED_REPLY: replyFiles() });
    const tasks: string[] = [];
    const submit = (task: string): void => {
      t.type(task);
      t.press("Enter");
      tasks.push(task);
    };
    // Loading: the loading status and any progress bar are gone once the model is in.
    await waitForIntactScreen(t, (s) => /successor-v1 · local · .* · ctx \[/.test(s), "the loaded model in the status bar", { tasks }, 60_000);

    // Streaming, diff, approval.
    submit("rename world to planet");
    const asked = await waitForIntactScreen(t, (s) => s.includes("Apply 1 file (+1 -1)?"), "the approval question", { tasks, reply: REPLY.edit });
    expect(asked).toContain(["● a.txt +1 -1", "@@ -1,2 +1,2 @@", " hello", "-world", "+planet"].join("\n"));
    expect(asked.split("\n").filter((l) => l.startsWith("@@ -1,2 +1,2 @@"))).toHaveLength(1);
    expect(readFileSync(path.join(repo, "a.txt"), "utf8")).toBe("hello\nworld\n");
    t.press("y");
    await waitForIntactScreen(t, (s) => /✓ applied 1 file \(\+1 -1\) · checkpoint 1 \(\/undo\) · \d+ tok at [\d.]+ tok\/s/.test(s), "the outcome line", { tasks, reply: REPLY.edit });
    expect(readFileSync(path.join(repo, "a.txt"), "utf8")).toBe("hello\nplanet\n");
    expect(t.lastLine()).toMatch(/ · checkpoint 1$/);

    submit("/undo");
    await waitForIntactScreen(t, (s) => s.includes("✓ restored checkpoint 1: a.txt (/undo 2 redoes it)"), "the undo line", { tasks });
    expect(readFileSync(path.join(repo, "a.txt"), "utf8")).toBe("hello\nworld\n");
    expect(t.lastLine()).toMatch(/ · checkpoint 2$/);

    // Streaming a long answer: only its tail shows, each line once, none cut short but the last.
    submit("explain the file at length");
    await waitForIntactScreen(t, (s) => /Line \d+ of a long answer/.test(s) && s.includes("● writing…"), "streaming text", { tasks, reply: REPLY.long });
    t.press("C-c");
    const cancelled = await waitForIntactScreen(t, (s) => s.includes("! cancelled"), "the cancel line", { tasks, reply: REPLY.long });
    expect(cancelled).not.toContain("Line 199 of a long answer");
    expect(readFileSync(path.join(repo, "a.txt"), "utf8")).toBe("hello\nworld\n");

    submit("are you still there");
    await waitForIntactScreen(t, (s) => s.includes("All good here.") && /✓ done, no changes · \d+ tok at/.test(s), "the next turn's answer", { tasks, reply: REPLY.short });

    t.resize(50, 20);
    await waitForIntactScreen(t, () => /^[^·]+ · [\d.]+ tok\/s · ctx [\d.k]+\/4\.1k · ckpt 2$/.test(t.lastLine()), "the status bar refit to 50 columns", { tasks });
    expect(t.lastLine().length).toBeLessThan(50);

    t.press("C-c");
    await waitForIntactScreen(t, (s) => s.includes("press Ctrl-C again to exit"), "the exit hint", { tasks });
    t.press("C-c");
    await t.waitFor((s) => s.includes("[exit 0]"), "exit 0");
  }, 180_000);

  it("outside a git repository it offers git init; n exits 4 with one line", async () => {
    const plain = mkdtempSync(path.join(w.home, "plain-"));
    const t = w.start(plain, [], { NO_COLOR: "1" });
    await t.waitFor((s) => s.includes("Run git init here? (y/n)"), "the git init question", 60_000);
    t.press("n");
    const s = await t.waitFor((x) => x.includes("[exit 4]"), "exit 4");
    expect(s).toContain(`spark: not a git repository: ${plain} (run git init, or pass --cwd)`);
  }, 90_000);

  it("without a terminal it says to use spark run (exit 2)", async () => {
    const r = await execa("node", [bin, "do something"], { reject: false, env: env(), extendEnv: false, cwd: w.home, input: "" });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe("spark: the interactive session needs a terminal; use spark run TASK (or: echo TASK | spark run)");
  });
});
