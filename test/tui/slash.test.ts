import { describe, expect, it } from "vitest";
import { helpLines, parseSlash, splitArgs } from "../../src/tui/slash/commands.js";
import { complete, type ListDir } from "../../src/tui/slash/complete.js";

const tree: Record<string, { name: string; dir: boolean }[]> = {
  "": [
    { name: "src", dir: true },
    { name: "README.md", dir: false },
    { name: ".env", dir: false },
  ],
  src: [
    { name: "main.ts", dir: false },
    { name: "math.ts", dir: false },
    { name: "util", dir: true },
  ],
};
const listDir: ListDir = async (dir) => tree[dir] ?? [];

describe("slash commands", () => {
  it("parses commands, arguments and the rest of the line", () => {
    expect(parseSlash("/add src/a.ts 'my file.ts'")).toEqual({ name: "add", args: ["src/a.ts", "my file.ts"], rest: "src/a.ts 'my file.ts'" });
    expect(parseSlash("  /test npm test -- --run ")).toEqual({ name: "test", args: ["npm", "test", "--", "--run"], rest: "npm test -- --run" });
    expect(parseSlash("/nope")).toEqual({ error: "unknown command /nope (try /help)" });
    expect(parseSlash("fix the /add handler")).toBeUndefined();
    expect(parseSlash("//etc/hosts is wrong")).toBeUndefined();
    expect(splitArgs(`a "b c" 'd'`)).toEqual(["a", "b c", "d"]);
  });

  it("documents every command in /help", () => {
    const help = helpLines().join("\n");
    for (const name of ["add", "drop", "files", "undo", "diff", "checkpoints", "model", "context", "test", "clear", "help", "exit"]) expect(help).toContain(`/${name}`);
    // 80 columns: the last stays empty, the list is indented by 2.
    for (const line of helpLines()) expect(line.length).toBeLessThanOrEqual(77);
  });

  it("completes command names: unique, common prefix, none", async () => {
    expect(await complete("/he", listDir)).toEqual({ text: "/help ", candidates: [] });
    expect(await complete("/c", listDir)).toEqual({ text: "/c", candidates: ["/checkpoints", "/context", "/clear"] });
    expect(await complete("/d", listDir)).toEqual({ text: "/d", candidates: ["/drop", "/diff"] });
    expect(await complete("/zz", listDir)).toBeUndefined();
    expect(await complete("plain text", listDir)).toBeUndefined();
  });

  it("completes paths after /add, hiding dotfiles unless asked, and focus files after /drop", async () => {
    expect(await complete("/add s", listDir)).toEqual({ text: "/add src/", candidates: [] });
    expect(await complete("/add src/m", listDir)).toEqual({ text: "/add src/ma", candidates: ["src/main.ts", "src/math.ts"] });
    expect(await complete("/add src/mai", listDir)).toEqual({ text: "/add src/main.ts ", candidates: [] });
    expect(await complete("/add README.md src/u", listDir)).toEqual({ text: "/add README.md src/util/", candidates: [] });
    expect(await complete("/add ", listDir)).toEqual({ text: "/add ", candidates: ["README.md", "src/"] });
    expect(await complete("/add .", listDir)).toEqual({ text: "/add .env ", candidates: [] });
    expect(await complete("/drop a", listDir, ["a.ts", "b.ts"])).toEqual({ text: "/drop a.ts ", candidates: [] });
    expect(await complete("/undo 1", listDir)).toBeUndefined();
  });
});
