/**
 * `spark context` as a person or a script runs it: what would be packed for a task, in prompt
 * order, with no model loaded (the environment names no model at all).
 */
import { rmSync } from "node:fs";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bin, makeHome, makeRepo } from "./apply-harness.js";

let home = "";
let env: Record<string, string> = {};
beforeAll(() => ({ home, env } = makeHome("spark-e2e-context-")));
afterAll(() => rmSync(home, { recursive: true, force: true }));

const filler = (name: string, n: number): string => Array.from({ length: n }, (_, i) => `export function ${name}Helper${i}(value: number): number {\n  return value * ${i};\n}\n`).join("\n");

interface Packed {
  files: { path: string; role: string; tokens: number; rank: number; score: number }[];
  tokens: number;
  budget: number;
}

describe("spark context", () => {
  it("--json: the files in prompt order with role, tokens, rank and score, as the last stdout line; within the budget; a table without", async () => {
    const repo = makeRepo(home, env, {
      "parse-config.ts": "export function parseConfig(text: string): Record<string, string> {\n  if (text === '') throw new Error('empty');\n  return Object.fromEntries(text.split('\\n').map((l) => l.split('=') as [string, string]));\n}\n",
      "render.ts": filler("render", 40),
      "network.ts": filler("network", 40),
      "README.md": "# demo\n",
    });
    const r = await execa("node", [bin, "context", "parseConfig should accept empty config text", "--budget", "1500", "--json"], { cwd: repo, env, extendEnv: false, reject: false });
    expect(r.exitCode).toBe(0);
    const last = r.stdout.trim().split("\n").at(-1) as string;
    const packed = JSON.parse(last) as Packed;
    expect(packed.budget).toBe(1500);
    expect(packed.tokens).toBeLessThanOrEqual(1500);
    expect(packed.files.length).toBeGreaterThan(0);
    for (const f of packed.files) {
      expect(Object.keys(f).sort()).toEqual(["path", "rank", "role", "score", "tokens"]);
      expect(["full", "map", "listing"]).toContain(f.role);
    }
    const parse = packed.files.find((f) => f.path === "parse-config.ts");
    expect(parse).toMatchObject({ role: "full", rank: 1 });

    const table = await execa("node", [bin, "context", "parseConfig should accept empty config text", "--budget", "1500"], { cwd: repo, env, extendEnv: false, reject: false });
    expect(table.exitCode).toBe(0);
    const lines = table.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^RANK\s+ROLE\s+TOKENS\s+SCORE\s+PATH$/);
    expect(lines.some((l) => /^\s+1\s+full\s+\d+\s+[\d.]+\s+parse-config\.ts$/.test(l))).toBe(true);
    expect(lines.at(-1)).toMatch(/of 1500 tokens/);
  });
});
