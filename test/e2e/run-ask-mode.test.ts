/**
 * `spark run --ask` and `spark run --mode` as scripts use them: the real binary with the successor
 * fixture model, replies forced by grammar (SPARK_FORCED_REPLY), in temp git repos.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { forcedReplies, modelFlags, parseJsonl, spawnSpark, sparkEnv } from "./cli-harness.js";
import { git, makeRepo } from "../agent/helpers.js";

const sr = (file: string, search: string, replace: string): string => `${file}\n<<<<<<< SEARCH\n${search}=======\n${replace}>>>>>>> REPLACE\n`;

describe("spark run --ask", () => {
  it("--json streams the answer, emits no edit.* events and leaves the tree untouched though the reply holds edit blocks", async () => {
    const root = makeRepo({ "src/count.ts": "export const limit = 10;\n" });
    const reply = `The limit is 10. To raise it:\n\n${sr("src/count.ts", "export const limit = 10;\n", "export const limit = 20;\n")}`;
    const env = sparkEnv(forcedReplies(reply));
    const r = await spawnSpark(["run", "--ask", "--json", "what is the limit?", ...modelFlags()], root, env);
    expect(r.exitCode).toBe(0);
    const events = parseJsonl(r.stdout);
    expect([...new Set(events.map((e) => e.type))]).toEqual(["session.start", "context.packed", "model.delta", "stats", "session.end"]);
    expect(events.filter((e) => e.type.startsWith("edit.") || e.type === "checkpoint")).toEqual([]);
    expect(events.filter((e) => e.type === "model.delta").map((e) => String(e.text)).join("")).toBe(reply);
    expect(events.at(-1)).toEqual({ type: "session.end", status: "ok", exitCode: 0 });
    expect(readFileSync(path.join(root, "src/count.ts"), "utf8")).toBe("export const limit = 10;\n");
    expect(git(root, "status", "--porcelain")).toBe("");
    expect(git(root, "for-each-ref", "refs/spark")).toBe("");
  });

  it("prints the answer as text", async () => {
    const root = makeRepo({ "a.txt": "a\n" });
    const r = await spawnSpark(["run", "--ask", "what is in a.txt?", ...modelFlags()], root, sparkEnv(forcedReplies("It holds the letter a.\n")));
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^It holds the letter a\.\nno changes · \d+ tokens/);
  });
});

describe("spark run --mode", () => {
  it("suggest proposes the edit, applies none and ends rejected", async () => {
    const root = makeRepo({ "a.txt": "a\n" });
    const r = await spawnSpark(["run", "--mode", "suggest", "--json", "make it b", ...modelFlags()], root, sparkEnv(forcedReplies(sr("a.txt", "a\n", "b\n"))));
    expect(r.exitCode).toBe(0);
    const events = parseJsonl(r.stdout);
    expect(events.find((e) => e.type === "edit.proposed")).toMatchObject({ path: "a.txt" });
    expect(events.some((e) => e.type === "edit.applied" || e.type === "checkpoint")).toBe(false);
    expect(events.at(-1)).toEqual({ type: "session.end", status: "rejected", exitCode: 0 });
    expect(readFileSync(path.join(root, "a.txt"), "utf8")).toBe("a\n");
  });

  it("auto-edit with --test is a usage error (nobody can approve the command); an unknown mode too", async () => {
    const root = makeRepo({ "a.txt": "a\n" });
    const env = sparkEnv(forcedReplies("x"));
    const r = await spawnSpark(["run", "--mode", "auto-edit", "--test", "true", "go", ...modelFlags()], root, env);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe("spark: --mode auto-edit asks before running commands, and nobody can answer here: drop --test, or use --mode full");
    const bad = await spawnSpark(["run", "--mode", "yolo", "go", ...modelFlags()], root, env);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/option '--mode <mode>' argument 'yolo' is invalid\. Allowed choices are suggest, auto-edit, full\./);
  });
});
