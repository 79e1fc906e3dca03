/**
 * Pair programming the way people already work, in the real `spark` binary under tmux (110×34,
 * TERM=xterm) with the successor fixture model and forced replies, through the keyboard alone:
 * ask mode and /ask, !CMD, @mentions, /rewind and /redo, --resume and prompt history, and the
 * approval modes. After each step the whole screen is checked (`waitForIntactScreen`).
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { conversationsDir } from "../../src/agent/conversation.js";
import { listConversations, loadConversation } from "../../src/agent/conversation-store.js";
import { hasTmux, waitForIntactScreen, type ScreenExpectation, type TmuxSession } from "../tui/tmux.js";
import { BIN, MODEL_ARGS, tuiWorld } from "./tui-harness.js";

const w = tuiWorld();
const sr = (file: string, search: string, replace: string): string => `${file}\n<<<<<<< SEARCH\n${search}=======\n${replace}>>>>>>> REPLACE\n`;
const read = (repo: string, file: string): string => readFileSync(path.join(repo, file), "utf8");

/** Types `text` and presses Enter; `tasks` collects what the scrollback echoes as "› TASK". */
function submit(t: TmuxSession, text: string, tasks?: string[], echo = text): void {
  t.type(text);
  t.press("Enter");
  tasks?.push(echo);
}

const LOADED = (s: string): boolean => /successor-v1 · local · .* · ctx \[/.test(s);
const statusStarts = (t: TmuxSession, mode: string): boolean => t.lastLine().startsWith(`${mode} · `);

async function conversations(repo: string): Promise<Awaited<ReturnType<typeof listConversations>>> {
  return listConversations(conversationsDir(path.join(w.home, "cache", "spark")), w.git(repo, "rev-parse", "--show-toplevel").trim());
}

async function lastUserMessage(repo: string): Promise<string> {
  const root = w.git(repo, "rev-parse", "--show-toplevel").trim();
  const conv = await loadConversation(conversationsDir(path.join(w.home, "cache", "spark")), root);
  return conv?.messages.filter((m) => m.role === "user").at(-1)?.content ?? "";
}

describe.skipIf(!hasTmux())("spark TUI: pair programming", () => {
  it("1. ask: Shift-Tab to ask mode answers and applies nothing though the reply holds an edit block; /ask asks once from suggest", async () => {
    const repo = w.repo({ "a.txt": "hello\nworld\n" });
    const answer = `It says hello world. To change it:\n\n${sr("a.txt", "world\n", "planet\n")}`;
    const again = "Still hello world: nothing was applied.\n";
    const t = w.start(repo, [], { SPARK_FORCED_REPLY: w.replies(answer, again) });
    const tasks: string[] = [];
    const expect1: ScreenExpectation = { tasks };
    await waitForIntactScreen(t, LOADED, "the loaded model", expect1, 60_000);
    expect(statusStarts(t, "suggest")).toBe(true);

    t.press("BTab");
    await waitForIntactScreen(t, () => statusStarts(t, "auto-edit"), "auto-edit on the status bar", expect1);
    t.press("BTab");
    await waitForIntactScreen(t, (s) => statusStarts(t, "ask") && s.includes("ask: answers questions from the repository"), "ask mode", expect1);

    submit(t, "what does a.txt say?", tasks);
    const shown = await waitForIntactScreen(t, (s) => /✓ answered · \d+ tok at/.test(s), "the answer", { tasks, reply: answer });
    expect(shown).toContain(["It says hello world. To change it:", "", "a.txt", "<<<<<<< SEARCH", "world", "=======", "planet", ">>>>>>> REPLACE"].join("\n"));
    expect(shown).not.toContain("Apply 1 file");
    expect(read(repo, "a.txt")).toBe("hello\nworld\n");
    expect(w.git(repo, "for-each-ref", "refs/spark")).toBe("");

    t.press("BTab");
    await waitForIntactScreen(t, () => statusStarts(t, "suggest"), "back to suggest", expect1);
    submit(t, "/ask and now?", tasks, "and now?");
    await waitForIntactScreen(t, (s) => (s.match(/✓ answered · /g) ?? []).length === 2, "the second answer", { tasks, reply: again });
    expect(statusStarts(t, "suggest")).toBe(true);
    expect(read(repo, "a.txt")).toBe("hello\nworld\n");
    expect(w.git(repo, "for-each-ref", "refs/spark")).toBe("");
  }, 180_000);

  it("2. !CMD: streams, offers its output to the conversation, the next turn sees the failure; Ctrl-C stops a command", async () => {
    const repo = w.repo({ "a.txt": "hello\nworld\n", "check.sh": 'grep -q planet a.txt || { echo "FAIL: a.txt should say planet"; exit 1; }\necho ok\n' });
    const fix = `Renaming it.\n\n${sr("a.txt", "world\n", "planet\n")}`;
    const t = w.start(repo, [], { SPARK_FORCED_REPLY: w.replies(fix) });
    const tasks: string[] = [];
    await waitForIntactScreen(t, LOADED, "the loaded model", { tasks }, 60_000);

    submit(t, "!sh check.sh");
    const ran = await waitForIntactScreen(t, (s) => s.includes("Add the output of `sh check.sh` to the conversation?"), "the offer", { tasks });
    expect(ran).toContain(["$ sh check.sh", "  FAIL: a.txt should say planet", "✗ exit 1"].join("\n"));
    t.press("y");
    await waitForIntactScreen(t, (s) => s.includes("the output of `sh check.sh` goes with your next message"), "the attach hint", { tasks });

    submit(t, "fix the failing test", tasks);
    await waitForIntactScreen(t, (s) => s.includes("Apply 1 file (+1 -1)?"), "the proposed fix", { tasks, reply: fix });
    t.press("y");
    await waitForIntactScreen(t, (s) => s.includes("✓ applied 1 file (+1 -1) · checkpoint 1"), "applied", { tasks, reply: fix });
    expect(await lastUserMessage(repo)).toMatch(/# Task\nI ran `sh check\.sh` in the repository; it exited with code 1:\n```\nFAIL: a\.txt should say planet\n```\n\nfix the failing test\n/);
    expect(read(repo, "a.txt")).toBe("hello\nplanet\n");

    submit(t, "!echo started; sleep 30; echo never");
    await waitForIntactScreen(t, (s) => s.includes("$ echo started; sleep 30; echo never (running; Esc to stop)") && s.includes("started"), "the running command", { tasks });
    t.press("C-c");
    const stopped = await waitForIntactScreen(t, (s) => s.includes("! stopped"), "the stopped command", { tasks }, 10_000);
    expect(stopped.split("\n")).not.toContain("  never");
    expect(stopped).not.toContain("Add the output of `echo started");
    submit(t, "!echo again");
    await waitForIntactScreen(t, (s) => s.includes("Add the output of `echo again`"), "the prompt works again", { tasks });
    t.press("n");
    await waitForIntactScreen(t, (s) => !s.includes("Add the output of `echo again`"), "declined", { tasks });
  }, 180_000);

  it("3. @mentions: Tab lists fuzzy matches from git ls-files, arrows choose, Tab takes; the file is shown to the model that turn", async () => {
    const repo = w.repo({ "src/parser.ts": "export const parse = 1;\n", "src/printer.ts": "export const print = 2;\n", "docs/guide.md": "# Guide\n" });
    const t = w.start(repo, [], { SPARK_FORCED_REPLY: w.replies("Noted.\n", "Ship the parser.\n") });
    const tasks: string[] = [];
    await waitForIntactScreen(t, LOADED, "the loaded model", { tasks }, 60_000);

    t.type("explain @pr");
    t.press("Tab");
    const menu = await waitForIntactScreen(t, (s) => s.includes("Tab or Enter takes it"), "the mention menu", { tasks });
    const listed = menu.split("\n").filter((l) => l.startsWith("  @"));
    expect([...listed].sort()).toEqual(["  @src/parser.ts", "  @src/printer.ts"]);
    t.type("n");
    await waitForIntactScreen(t, (s) => s.split("\n").filter((l) => l.startsWith("  @")).join() === "  @src/printer.ts", "narrowed to printer", { tasks });
    t.press("BSpace");
    await waitForIntactScreen(t, (s) => s.split("\n").filter((l) => l.startsWith("  @")).length === 2, "both again", { tasks });
    t.press("Down");
    t.press("Tab");
    const chosen = (listed[1] ?? "").trim();
    await waitForIntactScreen(t, (s) => s.includes(`› explain ${chosen}`) && !s.includes("Tab or Enter takes it"), "the chosen file in the prompt", { tasks });
    t.press("Enter");
    tasks.push(`explain ${chosen}`);
    await waitForIntactScreen(t, (s) => /✓ done, no changes/.test(s), "the answer", { tasks, reply: "Noted.\n" });

    // A file the model has never seen (written after the repository was packed) is shown whole with the message.
    writeFileSync(path.join(repo, "docs/todo.md"), "- ship the parser\n");
    submit(t, "what is left in @docs/todo.md?", tasks);
    await waitForIntactScreen(t, (s) => (s.match(/✓ done, no changes/g) ?? []).length === 2, "the second answer", { tasks, reply: "Ship the parser.\n" });
    expect(await lastUserMessage(repo)).toMatch(/^The files in focus for this task:\n\ndocs\/todo\.md\n```\n- ship the parser\n```\n\n# Task\nwhat is left in @docs\/todo\.md\?/);
  }, 180_000);

  it("4. /rewind (Esc twice) restores the files to before a turn and puts its message back; /redo re-applies", async () => {
    const repo = w.repo({ "a.txt": "hello\nworld\n" });
    const first = `Renaming it.\n\n${sr("a.txt", "world\n", "planet\n")}`;
    const second = `Adding a mark.\n\n${sr("a.txt", "planet\n", "planet!\n")}`;
    const t = w.start(repo, ["--mode", "auto-edit"], { SPARK_FORCED_REPLY: w.replies(first, second) });
    const tasks: string[] = [];
    await waitForIntactScreen(t, LOADED, "the loaded model", { tasks }, 60_000);
    submit(t, "rename world to planet", tasks);
    await waitForIntactScreen(t, (s) => s.includes("✓ applied 1 file (+1 -1) · checkpoint 1"), "the first change", { tasks, reply: first });
    submit(t, "add an exclamation mark", tasks);
    await waitForIntactScreen(t, (s) => s.includes("✓ applied 1 file (+1 -1) · checkpoint 2"), "the second change", { tasks, reply: second });
    expect(read(repo, "a.txt")).toBe("hello\nplanet!\n");

    t.press("Escape");
    await waitForIntactScreen(t, (s) => s.includes("press Esc again to rewind to an earlier turn"), "the rewind hint", { tasks });
    t.press("Escape");
    const list = await waitForIntactScreen(t, (s) => s.includes("Rewind to before which turn?"), "the turn list", { tasks });
    expect(list).toContain("  1. rename world to planet  (changed files · checkpoint 1)\n▸ 2. add an exclamation mark  (changed files · checkpoint 2)");
    t.press("Up");
    await t.waitFor((s) => s.includes("▸ 1. rename world to planet"), "the first turn selected");
    t.press("Enter");
    // The message is back in the prompt (it equals its echo, so the screen check waits for an edit).
    await t.waitFor((s) => s.includes("✓ rewound 2 turns to before “rename world to planet”: restored a.txt") && t.screen().split("\n").at(-2)?.trimEnd() === "› rename world to planet", "the rewound message in the prompt");
    expect(read(repo, "a.txt")).toBe("hello\nworld\n");
    t.type(" please");
    await waitForIntactScreen(t, (s) => s.includes("› rename world to planet please"), "the edited message", { tasks });

    t.press("C-u");
    submit(t, "/redo");
    await waitForIntactScreen(t, (s) => /✓ redone: restored checkpoint \d+: a\.txt/.test(s), "redone", { tasks });
    expect(read(repo, "a.txt")).toBe("hello\nplanet!\n");
    submit(t, "/redo");
    await waitForIntactScreen(t, (s) => s.includes("nothing to redo"), "nothing more to redo", { tasks });
  }, 180_000);

  it("5. spark --resume lists this repo's conversations (time, first message, turns, files) and continues the chosen one; history persists; spark run --resume ID too", async () => {
    const repo = w.repo({ "a.txt": "hello\nworld\n" });
    const edit = `Renaming it.\n\n${sr("a.txt", "world\n", "planet\n")}`;
    const one = w.start(repo, ["--yes"], { SPARK_FORCED_REPLY: w.replies(edit, "Yes.\n") });
    await waitForIntactScreen(one, LOADED, "the loaded model", { tasks: [] }, 60_000);
    submit(one, "rename world to planet");
    await waitForIntactScreen(one, (s) => s.includes("✓ applied 1 file"), "applied", { tasks: ["rename world to planet"], reply: edit });
    one.press("C-c");
    one.press("C-c");
    await one.waitFor((s) => s.includes("[exit 0]"), "exit");
    const [first] = await conversations(repo);
    expect(first).toMatchObject({ firstMessage: "rename world to planet", turns: 1, files: ["a.txt"] });

    const two = w.start(repo, ["--resume"], { SPARK_FORCED_REPLY: w.replies("Yes, it says planet now.\n") });
    const tasks: string[] = [];
    const list = await waitForIntactScreen(two, (s) => s.includes("Resume which conversation?") && LOADED(s), "the conversation list", { tasks }, 60_000);
    expect(list).toMatch(new RegExp(`▸ \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d {2}${first?.id ?? "?"} {2}rename world to planet {2}1 turn · a\\.txt`));
    two.press("Enter");
    await waitForIntactScreen(two, (s) => s.includes(`✓ resuming conversation ${first?.id ?? "?"}`), "resumed", { tasks });
    two.press("Up");
    await waitForIntactScreen(two, (s) => s.includes("› rename world to planet"), "the last session's prompt from history", { tasks });
    two.press("C-u");
    submit(two, "does it say planet now?", tasks);
    await waitForIntactScreen(two, (s) => s.includes("✓ done, no changes"), "the answer", { tasks, reply: "Yes, it says planet now.\n" });
    const after = await conversations(repo);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ id: first?.id, turns: 2 });

    const r = await execa("node", [BIN, "run", "--resume", first?.id ?? "?", "--json", "and then?", ...MODEL_ARGS], {
      cwd: repo,
      env: w.env({ SPARK_FORCED_REPLY: w.replies("Then nothing.\n") }),
      extendEnv: false,
      reject: false,
    });
    expect(r.exitCode).toBe(0);
    expect((await conversations(repo))[0]).toMatchObject({ id: first?.id, turns: 3 });
    const bad = w.start(repo, ["--resume", "ffffffff"]);
    const said = await bad.waitFor((s) => s.includes("[exit 2]"), "exit 2", 60_000);
    expect(said).toContain("spark: no conversation ffffffff in this repository (spark --resume lists them)");
  }, 240_000);

  it("6. modes: --mode auto-edit applies without asking and asks before the test command; /mode full asks nothing; suggest asks again", async () => {
    const repo = w.repo({ "a.txt": "one\n" });
    const step = (from: string, to: string): string => `Making it ${to}.\n\n${sr("a.txt", `${from}\n`, `${to}\n`)}`;
    const t = w.start(repo, ["--mode", "auto-edit", "--test", "grep -q . a.txt"], { SPARK_FORCED_REPLY: w.replies(step("one", "two"), step("two", "three"), step("three", "four")) });
    const tasks: string[] = [];
    await waitForIntactScreen(t, LOADED, "the loaded model", { tasks }, 60_000);
    expect(statusStarts(t, "auto-edit")).toBe(true);

    submit(t, "count up", tasks);
    const asked = await waitForIntactScreen(t, (s) => s.includes("Run `grep -q . a.txt`?"), "the command question", { tasks, reply: step("one", "two") });
    expect(asked).not.toContain("Apply 1 file");
    expect(read(repo, "a.txt")).toBe("two\n");
    t.press("y");
    await waitForIntactScreen(t, (s) => s.includes("✓ test `grep -q . a.txt` passed") && s.includes("✓ applied 1 file"), "the test ran", { tasks, reply: step("one", "two") });

    submit(t, "/mode full");
    await waitForIntactScreen(t, () => statusStarts(t, "full"), "full on the status bar", { tasks });
    submit(t, "count up again", tasks);
    await waitForIntactScreen(t, (s) => (s.match(/✓ test `grep -q \. a\.txt` passed/g) ?? []).length === 2, "applied and tested without asking", { tasks, reply: step("two", "three") });
    expect(read(repo, "a.txt")).toBe("three\n");

    submit(t, "/mode suggest");
    await waitForIntactScreen(t, () => statusStarts(t, "suggest"), "suggest on the status bar", { tasks });
    submit(t, "once more", tasks);
    await waitForIntactScreen(t, (s) => s.includes("Apply 1 file (+1 -1)?"), "the edit question", { tasks, reply: step("three", "four") });
    t.press("n");
    await waitForIntactScreen(t, (s) => s.includes("! not applied"), "rejected", { tasks, reply: step("three", "four") });
    expect(read(repo, "a.txt")).toBe("three\n");
  }, 180_000);
});
