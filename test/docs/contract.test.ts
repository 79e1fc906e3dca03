/**
 * The contract in docs/ against the code: every command and option the CLI registers, every
 * slash command, every event type the agent's union declares (with its fields) and every record
 * type a command writes, and every exit code must be documented; a documented event type the
 * code no longer has fails too.
 */
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { PassThrough } from "node:stream";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../fixtures/index.js";
import type { CliContext } from "../../src/cli/context.js";
import { buildProgram } from "../../src/cli/main.js";
import { ExitCode } from "../../src/errors.js";
import { SLASH_COMMANDS } from "../../src/tui/slash/commands.js";

const root = repoRoot();
const doc = (name: string): string => readFileSync(path.join(root, "docs", name), "utf8");

/** The text under each heading (`## x` or `### x`), up to the next heading of any level. */
function sections(markdown: string): Map<string, string> {
  const out = new Map<string, string>();
  let title: string | undefined;
  let body: string[] = [];
  const flush = (): void => void (title !== undefined && out.set(title, body.join("\n")));
  for (const line of markdown.split("\n")) {
    const m = /^#{1,4} (.+)$/.exec(line);
    if (m) {
      flush();
      title = m[1]?.trim();
      body = [];
    } else body.push(line);
  }
  flush();
  return out;
}

/** Each member of `AgentEvent` as its `type` string and its field names, read by the type checker. */
function agentEventUnion(): Map<string, string[]> {
  const file = path.join(root, "src", "agent", "events.ts");
  // The union's own files only (its imports resolve among them): a whole program would read node-llama-cpp's types.
  const files = [file, path.join(root, "src", "inference", "index.ts"), path.join(root, "src", "inference", "backend.ts"), path.join(root, "src", "edits", "index.ts"), path.join(root, "src", "edits", "types.ts")];
  const program = ts.createProgram(files, { strict: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, noResolve: true, noLib: true, types: [], noEmit: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  const alias = source?.statements.find((s): s is ts.TypeAliasDeclaration => ts.isTypeAliasDeclaration(s) && s.name.text === "AgentEvent");
  if (!alias) throw new Error("no AgentEvent union in src/agent/events.ts");
  const union = checker.getTypeAtLocation(alias.name);
  const out = new Map<string, string[]>();
  for (const member of union.isUnion() ? union.types : [union]) {
    const typeProp = member.getProperty("type");
    const literal = typeProp ? checker.getTypeOfSymbol(typeProp) : undefined;
    if (!literal?.isStringLiteral()) throw new Error(`an AgentEvent member has no string literal type: ${checker.typeToString(member)}`);
    out.set(
      literal.value,
      checker.getPropertiesOfType(member).map((p) => p.name).filter((n) => n !== "type"),
    );
  }
  return out;
}

/** `type: "…"` literals of the records commands write with `--json` (beside the agent's events). */
function commandRecordTypes(): Set<string> {
  const files = [
    ...readdirSync(path.join(root, "src", "cli", "commands")).map((f) => path.join(root, "src", "cli", "commands", f)),
    path.join(root, "src", "models", "progress.ts"),
  ];
  const types = new Set<string>();
  for (const f of files) for (const m of readFileSync(f, "utf8").matchAll(/\btype: "([a-z][a-z.]*)"/g)) types.add(m[1] ?? "");
  return types;
}

function silentContext(): CliContext {
  return { stdout: new PassThrough(), stderr: new PassThrough(), stdin: new PassThrough(), env: {}, cwd: root, signal: new AbortController().signal, exitCode: 0 };
}

const mentions = (text: string, code: string): boolean => text.includes(`\`${code}\``) || text.includes(`\`${code} `) || text.includes(`\`${code}=`);

describe("docs/ documents the contract the code implements", () => {
  it("every command and each of its options", async () => {
    const pages = sections(doc("commands.md"));
    const common = pages.get("Common options") ?? "";
    const program = await buildProgram(silentContext(), []);
    const commands = [{ title: "`spark [TASK]`", cmd: program }, ...program.commands.map((cmd) => ({ title: `\`spark ${cmd.name()}\``, cmd }))];
    expect(commands.length).toBeGreaterThan(9);
    const missing: string[] = [];
    for (const { title, cmd } of commands) {
      const section = pages.get(title);
      if (section === undefined) {
        missing.push(`section ## ${title}`);
        continue;
      }
      for (const option of cmd.options) {
        const flag = option.long ?? option.short ?? option.flags;
        if (!mentions(section, flag) && !mentions(common, flag)) missing.push(`${title} ${flag}`);
      }
    }
    const tui = pages.get("`spark [TASK]`") ?? "";
    for (const slash of SLASH_COMMANDS) if (!mentions(tui, `/${slash.name}`)) missing.push(`slash command /${slash.name}`);
    expect(missing).toEqual([]);
  });

  it("every event type of the agent's union, with its fields, and every record a command writes", () => {
    const pages = sections(doc("events.md"));
    const union = agentEventUnion();
    expect(union.size).toBeGreaterThan(10);
    const missing: string[] = [];
    for (const [type, fields] of union) {
      const section = pages.get(`\`${type}\``);
      if (section === undefined) missing.push(`### \`${type}\``);
      else for (const field of fields) if (!mentions(section, field)) missing.push(`${type}.${field}`);
    }
    const records = commandRecordTypes();
    expect(records).toContain("download.progress");
    for (const type of records) if (!pages.has(`\`${type}\``)) missing.push(`### \`${type}\``);
    expect(missing).toEqual([]);
    const documented = [...pages.keys()].filter((t) => /^`[a-z.]+`$/.test(t)).map((t) => t.slice(1, -1));
    expect(documented.filter((t) => !union.has(t) && !records.has(t))).toEqual([]);
  });

  it("every exit code", () => {
    const text = doc("exit-codes.md");
    expect(Object.values(ExitCode).filter((code) => !text.includes(`| \`${code}\` |`))).toEqual([]);
  });
});
