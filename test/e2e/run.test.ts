/**
 * `spark run` as scripts use it: `node bin/spark.js` (needs `npm run build`) with the successor
 * fixture model, its replies forced by grammar (SPARK_FORCED_REPLY), in temp git repos.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { AGENT_EVENT_TYPES } from "../../src/agent/events.js";
import { forcedReplies, modelFlags, parseJsonl, spawnSpark, sparkEnv } from "./cli-harness.js";
import { makeRepo } from "../agent/helpers.js";

const sr = (file: string, search: string, replace: string): string => `${file}\n<<<<<<< SEARCH\n${search}=======\n${replace}>>>>>>> REPLACE\n`;

/** Checks the contract's order: start, packed, then rounds, then end; checkpoints before applies. */
function expectContractOrder(types: string[]): void {
  expect(types[0]).toBe("session.start");
  expect(types[1]).toBe("context.packed");
  expect(types.at(-1)).toBe("session.end");
  expect(types.filter((t) => t === "session.start" || t === "session.end" || t === "context.packed")).toHaveLength(3);
  for (const t of types) expect(AGENT_EVENT_TYPES).toContain(t);
  types.forEach((t, i) => {
    if (t === "edit.applied") expect(types.slice(0, i).lastIndexOf("checkpoint")).toBeGreaterThan(types.slice(0, i).lastIndexOf("stats"));
    if (t === "checkpoint") expect(types.slice(0, i)).toContain("edit.proposed");
  });
}

describe("spark run", () => {
  it("reads the task from stdin and emits only JSON lines in the contract's order, ending with session.end", async () => {
    const root = makeRepo({ "src/count.ts": "export const limit = 10;\n" });
    const env = sparkEnv(forcedReplies(`Raising the limit.\n\n${sr("src/count.ts", "export const limit = 10;\n", "export const limit = 20;\n")}`));
    const r = await spawnSpark(["run", "--json", ...modelFlags()], root, env, "raise the limit to 20\n");
    expect(r.exitCode).toBe(0);
    const events = parseJsonl(r.stdout); // throws on any non-JSON line
    expectContractOrder(events.map((e) => e.type));
    expect(events[0]).toMatchObject({ type: "session.start", backend: "local", contextSize: 8192, cwd: root });
    expect(events.find((e) => e.type === "edit.proposed")).toMatchObject({ path: "src/count.ts", format: "search-replace" });
    expect(events.filter((e) => e.type === "edit.applied")).toEqual([{ type: "edit.applied", path: "src/count.ts", added: 1, removed: 1 }]);
    expect(events.at(-1)).toEqual({ type: "session.end", status: "ok", exitCode: 0 });
    const text = events.filter((e) => e.type === "model.delta").map((e) => String(e.text)).join("");
    expect(text).toBe(readFileSync(env.SPARK_FORCED_REPLY ?? "", "utf8"));
    expect(readFileSync(path.join(root, "src/count.ts"), "utf8")).toBe("export const limit = 20;\n");
  });

  it("feeds a failed match back; the retry applies and nothing partial was written before it", async () => {
    const root = makeRepo({ "a.txt": "one\ntwo\n", "b.txt": "bee\n" });
    const bad = sr("a.txt", "two\n", "2\n") + sr("b.txt", "wasp\n", "hornet\n");
    const good = sr("a.txt", "two\n", "2\n") + sr("b.txt", "bee\n", "hornet\n");
    const env = sparkEnv(forcedReplies(bad, good));
    const r = await spawnSpark(["run", "rename things", "--json", ...modelFlags()], root, env);
    expect(r.exitCode).toBe(0);
    const events = parseJsonl(r.stdout);
    expectContractOrder(events.map((e) => e.type));
    const failed = events.findIndex((e) => e.type === "edit.failed");
    expect(events[failed]).toMatchObject({ path: "b.txt" });
    expect(events.findIndex((e) => e.type === "checkpoint")).toBeGreaterThan(failed);
    expect(events.filter((e) => e.type === "checkpoint")).toHaveLength(1);
    expect(events.filter((e) => e.type === "stats")).toHaveLength(2);
    expect(readFileSync(path.join(root, "a.txt"), "utf8")).toBe("one\n2\n");
    expect(readFileSync(path.join(root, "b.txt"), "utf8")).toBe("hornet\n");
  });

  it("--test: a command that fails once then passes takes two rounds and exits 0", async () => {
    const root = makeRepo({ "v.txt": "bad\n" });
    const env = sparkEnv(forcedReplies(sr("v.txt", "bad\n", "still bad\n"), sr("v.txt", "still bad\n", "good\n")));
    const r = await spawnSpark(["run", "make v good", "--json", "--test", "grep -qx good v.txt", ...modelFlags()], root, env);
    expect(r.exitCode).toBe(0);
    const events = parseJsonl(r.stdout);
    expect(events.filter((e) => e.type === "test.result").map((e) => e.exitCode)).toEqual([1, 0]);
    expect(events.filter((e) => e.type === "stats")).toHaveLength(2);
    expect(readFileSync(path.join(root, "v.txt"), "utf8")).toBe("good\n");
  });

  it("--test: a command that always fails ends with exit 1", async () => {
    const root = makeRepo({ "v.txt": "0\n" });
    const env = sparkEnv(forcedReplies(sr("v.txt", "0\n", "1\n"), sr("v.txt", "1\n", "2\n"), sr("v.txt", "2\n", "3\n"), sr("v.txt", "3\n", "4\n")));
    const r = await spawnSpark(["run", "count up", "--test", "exit 7", ...modelFlags()], root, env);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/spark: `exit 7` still fails after 3 rounds of fixes/);
    expect(readFileSync(path.join(root, "v.txt"), "utf8")).toBe("4\n");
  });

  it("Ctrl-C mid-stream changes no file and exits 130", async () => {
    const root = makeRepo({ "a.txt": "a\n" });
    const long = Array.from({ length: 300 }, (_, i) => `replacement line ${i} with some words`).join("\n") + "\n";
    const env = sparkEnv(forcedReplies(sr("a.txt", "a\n", long)));
    const child = spawnSpark(["run", "rewrite a", "--json", ...modelFlags()], root, env);
    let out = "";
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes('"type":"model.delta"')) resolve();
      });
      child.once("exit", () => reject(new Error(`exited before streaming:\n${out}`)));
    });
    child.kill("SIGINT");
    const r = await child;
    expect(r.exitCode).toBe(130);
    const events = parseJsonl(r.stdout);
    expect(events.some((e) => e.type === "checkpoint" || e.type === "edit.applied")).toBe(false);
    expect(events.at(-1)).toEqual({ type: "session.end", status: "interrupted", exitCode: 130 });
    expect(readFileSync(path.join(root, "a.txt"), "utf8")).toBe("a\n");
  });
});
