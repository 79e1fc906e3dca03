/**
 * `spark fix` as a user runs it: `node bin/spark.js` (needs `npm run build`) with the successor
 * fixture model, its reply forced by grammar (SPARK_FORCED_REPLY), in a temp git repo.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { forcedReplies, modelFlags, parseJsonl, spawnSpark, sparkEnv } from "./cli-harness.js";
import { makeRepo } from "../agent/helpers.js";

describe("spark fix", () => {
  it("edits the file, prints the diff and a summary, exits 0; spark undo restores it", async () => {
    const root = makeRepo({ "greet.txt": "hello\n", "src/other.ts": "export const x = 1;\n" });
    const env = sparkEnv(forcedReplies("Saying hello world.\n\ngreet.txt\n```\nhello world\n```\n"));
    const fixed = await spawnSpark(["fix", "greet.txt", "say hello world", ...modelFlags()], root, env);
    expect(fixed.stderr).toBe("");
    expect(fixed.exitCode).toBe(0);
    expect(readFileSync(path.join(root, "greet.txt"), "utf8")).toBe("hello world\n");
    const lines = fixed.stdout.trimEnd().split("\n");
    expect(lines.slice(0, -1).join("\n")).toBe("--- a/greet.txt\n+++ b/greet.txt\n@@ -1,1 +1,1 @@\n-hello\n+hello world");
    expect(lines.at(-1)).toMatch(/^1 file changed \(\+1 -1\) · checkpoint 1 \(spark undo 1\) · \d+ tokens at [\d.]+ tok\/s$/);

    const undone = await spawnSpark(["undo"], root, env);
    expect(undone.exitCode).toBe(0);
    expect(readFileSync(path.join(root, "greet.txt"), "utf8")).toBe("hello\n");
  });

  it("refuses an edit to a file it was not given, feeds that back, and applies the retry (--json)", async () => {
    const root = makeRepo({ "a.txt": "a\n", "b.txt": "b\n" });
    const env = sparkEnv(forcedReplies("b.txt\n```\nB\n```\n", "a.txt\n```\nA\n```\n"));
    const r = await spawnSpark(["fix", "a.txt", "capitalise", "--json", ...modelFlags()], root, env);
    expect(r.exitCode).toBe(0);
    const events = parseJsonl(r.stdout);
    expect(events.find((e) => e.type === "edit.failed")).toMatchObject({ path: "b.txt" });
    expect(events.filter((e) => e.type === "edit.applied")).toEqual([{ type: "edit.applied", path: "a.txt", added: 1, removed: 1 }]);
    expect(readFileSync(path.join(root, "a.txt"), "utf8")).toBe("A\n");
    expect(readFileSync(path.join(root, "b.txt"), "utf8")).toBe("b\n");
  });

  it("a small file asked for whole but answered with SEARCH/REPLACE blocks (fenced or not) gets the blocks applied, never the markers", async () => {
    const blocks = "<<<<<<< SEARCH\nworld\n=======\nplanet\n>>>>>>> REPLACE\n";
    for (const reply of [`Renaming.\n\na.txt\n\`\`\`\n${blocks}\`\`\`\n`, `Renaming.\n\na.txt\n${blocks}`]) {
      const root = makeRepo({ "a.txt": "hello\nworld\n" });
      const r = await spawnSpark(["fix", "a.txt", "rename world to planet", "--json", ...modelFlags()], root, sparkEnv(forcedReplies(reply)));
      expect(r.exitCode).toBe(0);
      expect(readFileSync(path.join(root, "a.txt"), "utf8")).toBe("hello\nplanet\n");
      expect(parseJsonl(r.stdout).filter((e) => e.type === "edit.applied")).toEqual([{ type: "edit.applied", path: "a.txt", added: 1, removed: 1 }]);
    }
  });

  it("exits 2 without an instruction and 4 outside a repository", async () => {
    const root = makeRepo({ "a.txt": "a\n" });
    const env = sparkEnv(forcedReplies("x\n"));
    const usage = await spawnSpark(["fix", "a.txt", ...modelFlags()], root, env);
    expect(usage.exitCode).toBe(2);
    expect(usage.stderr).toMatch(/^spark: spark fix needs at least one FILE and an INSTRUCTION/);
    const outside = await spawnSpark(["fix", "../elsewhere.txt", "x", ...modelFlags()], root, env);
    expect(outside.exitCode).toBe(4);
    expect(outside.stderr.trim().split("\n")).toHaveLength(1);
  });
});
