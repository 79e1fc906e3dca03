/** `spark apply` as a user runs it: `node bin/spark.js` (needs `npm run build`) in temp git repos. */
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bin, jsonLines, makeHome, makeRepo } from "./apply-harness.js";

let home = "";
let env: Record<string, string> = {};
beforeAll(() => ({ home, env } = makeHome("spark-e2e-apply-")));
afterAll(() => rmSync(home, { recursive: true, force: true }));

async function spark(cwd: string, input: string, ...args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const r = await execa("node", [bin, ...args], { reject: false, env, extendEnv: false, cwd, input });
  return { exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const EDITS = "I'll change the greeting.\n\nsrc.ts\n<<<<<<< SEARCH\nconst greeting = 'hi';\n=======\nconst greeting = 'hello';\n>>>>>>> REPLACE\n";

describe("spark apply", () => {
  it("applies search/replace blocks with a checkpoint, prints the diff, and spark undo brings the file back", async () => {
    const repo = makeRepo(home, env, { "src.ts": "const greeting = 'hi';\nexport { greeting };\n" });
    const r = await spark(repo, EDITS, "apply");
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain("-const greeting = 'hi';\n+const greeting = 'hello';");
    expect(r.stderr).toMatch(/applied 1 file \(\+1 -1\); checkpoint \S+: spark undo to revert/);
    expect(readFileSync(path.join(repo, "src.ts"), "utf8")).toBe("const greeting = 'hello';\nexport { greeting };\n");
    const u = await spark(repo, "", "undo");
    expect(u.exitCode).toBe(0);
    expect(readFileSync(path.join(repo, "src.ts"), "utf8")).toBe("const greeting = 'hi';\nexport { greeting };\n");
  });

  it("--json emits edit.proposed, checkpoint and edit.applied, and nothing else on stdout", async () => {
    const repo = makeRepo(home, env, { "src.ts": "const greeting = 'hi';\n" });
    const udiff = "--- a/src.ts\n+++ b/src.ts\n@@ -1 +1 @@\n-const greeting = 'hi';\n+const greeting = 'yo';\n";
    const r = await spark(repo, udiff, "apply", "--json");
    expect(r.exitCode).toBe(0);
    const events = jsonLines(r.stdout);
    expect(events.map((e) => e.type)).toEqual(["edit.proposed", "checkpoint", "edit.applied"]);
    expect(events[0]).toMatchObject({ path: "src.ts", format: "udiff" });
    expect(events[2]).toEqual({ type: "edit.applied", path: "src.ts", added: 1, removed: 1 });
  });

  it("--dry-run prints the diff and writes nothing", async () => {
    const repo = makeRepo(home, env, { "src.ts": "const greeting = 'hi';\n" });
    const r = await spark(repo, EDITS, "apply", "--dry-run", "--format", "search-replace");
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain("+const greeting = 'hello';");
    expect(readFileSync(path.join(repo, "src.ts"), "utf8")).toBe("const greeting = 'hi';\n");
  });

  it("exit 1 with the closest lines when nothing applies, and when the input holds no edit", async () => {
    const repo = makeRepo(home, env, { "src.ts": "const greeting = 'hey';\n" });
    const r = await spark(repo, EDITS, "apply", "--json");
    expect(r.exitCode).toBe(1);
    expect(jsonLines(r.stdout)[0]).toMatchObject({ type: "edit.failed", path: "src.ts" });
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(readFileSync(path.join(repo, "src.ts"), "utf8")).toBe("const greeting = 'hey';\n");
    const none = await spark(repo, "Nothing to change here.\n", "apply");
    expect(none.exitCode).toBe(1);
    expect(none.stderr).toBe("spark: no edits found in the input");
  });

  it("exit 4, one line, nothing written for a path outside the repo or inside .git/", async () => {
    const repo = makeRepo(home, env, { "src.ts": "x\n" });
    for (const p of ["../escape.ts", ".git/config"]) {
      const r = await spark(repo, `${p}\n<<<<<<< SEARCH\n=======\nowned\n>>>>>>> REPLACE\n`, "apply");
      expect(r.exitCode).toBe(4);
      expect(r.stderr).toMatch(/^spark: refusing to edit .*$/);
    }
    expect(readFileSync(path.join(repo, ".git", "config"), "utf8")).not.toContain("owned");
  });

  it("exit 2 for an unknown format", async () => {
    const repo = makeRepo(home, env, { "src.ts": "x\n" });
    expect((await spark(repo, EDITS, "apply", "--format", "nope")).exitCode).toBe(2);
  });
});
