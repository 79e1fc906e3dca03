/** A deterministic synthetic repository: `files` TypeScript-like sources in nested folders. */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

const WORDS = "alpha beta gamma delta epsilon zeta theta kappa lambda sigma omega parse render load save index route cache token frame queue".split(" ");

function mulberry(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function source(i: number, total: number, rnd: () => number): string {
  const pick = (): string => WORDS[Math.floor(rnd() * WORDS.length)] ?? "x";
  const name = `${pick()}${i}`;
  const dep = Math.floor(rnd() * total);
  const lines = [`import { ${pick()}${dep} } from "../m${dep % 100}/f${dep}.js";`, ""];
  const fns = 2 + Math.floor(rnd() * 4);
  for (let f = 0; f < fns; f++) {
    lines.push(`export function ${name}_${f}(input: number[]): number {`);
    lines.push(`  // ${pick()} ${pick()} ${pick()}: keep ${pick()} stable`);
    lines.push(`  let total = 0;`);
    lines.push(`  for (const value of input) total += value * ${f + 1};`);
    lines.push(`  return total + ${pick()}${dep}(${f});`);
    lines.push("}", "");
  }
  return lines.join("\n");
}

/** Creates (once) a git repo with `files` files under `dir`; returns its root. */
export function generateRepo(dir: string, files: number): string {
  const root = path.join(dir, `repo-${files}`);
  if (existsSync(path.join(root, ".git", "spark-bench-done"))) return root;
  mkdirSync(root, { recursive: true });
  const rnd = mulberry(42);
  for (let i = 0; i < files; i++) {
    const folder = path.join(root, "src", `m${i % 100}`);
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, `f${i}.ts`), source(i, files, rnd));
  }
  writeFileSync(path.join(root, "AGENTS.md"), "Run npm test before finishing.\n");
  const git = (...args: string[]): void => {
    execFileSync("git", args, { cwd: root, stdio: "ignore" });
  };
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("-c", "user.email=bench@example.com", "-c", "user.name=bench", "commit", "-qm", "generated");
  writeFileSync(path.join(root, ".git", "spark-bench-done"), "");
  return root;
}
