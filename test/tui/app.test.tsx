import { readFileSync } from "node:fs";
import path from "node:path";
import { render } from "ink-testing-library";
import { afterEach, describe, expect, it } from "vitest";
import { findRepoRoot, initRepo, listCheckpoints, listFiles, undoCheckpoint } from "../../src/git/index.js";
import { App } from "../../src/tui/components/App.js";
import { TuiController } from "../../src/tui/controller.js";
import { makeRepo, ScriptedBackend, waitFor } from "./helpers.js";

const REPLY = "Renaming it.\n\na.txt\n<<<<<<< SEARCH\nworld\n=======\nplanet\n>>>>>>> REPLACE\n";
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describe("App", () => {
  it("types a task, shows the diff and the question, applies on y, and names the checkpoint", async () => {
    const r = makeRepo({ "a.txt": "hello\nworld\n" });
    cleanups.push(r.cleanup);
    const backend = new ScriptedBackend({ replies: [REPLY] });
    const c = new TuiController({
      cwd: r.dir,
      git: { findRepoRoot, initRepo, listCheckpoints, listFiles, undoCheckpoint },
      openBackend: async () => backend,
      onExit: () => undefined,
      store: { frameMs: 0 },
    });
    const app = render(<App store={c.store} onKey={(input, key) => c.key(input, key)} theme={{ color: false }} />);
    cleanups.push(() => app.unmount());
    await c.start();
    const screen = (): string => app.lastFrame() ?? "";
    await waitFor(() => screen().includes("scripted · local"), "the status bar");
    expect(screen()).toContain(`Spark · ${r.dir}`);
    expect(screen()).toContain("›  describe a change, or /help");
    app.stdin.write("rename world");
    await waitFor(() => screen().includes("› rename world"), "the typed text");
    app.stdin.write("\r");
    await waitFor(() => screen().includes("Apply 1 file (+1 -1)?"), "the question");
    expect(screen()).toContain(["● a.txt +1 -1", "@@ -1,2 +1,2 @@", " hello", "-world", "+planet"].join("\n"));
    expect(screen()).toContain("y yes · n no · a always (auto-edit) · e reply with a correction");
    app.stdin.write("y");
    await waitFor(() => screen().includes("checkpoint 1 (/undo)"), "the outcome");
    await c.idle;
    expect(readFileSync(path.join(r.dir, "a.txt"), "utf8")).toBe("hello\nplanet\n");
    const status = screen().trimEnd().split("\n").at(-1) ?? "";
    expect(status).toMatch(/^suggest · scripted · local · 123\.4 tok\/s · ctx \[#?-+\] \d+(\.\d)?k?\/33k · checkpoint 1$/);
    expect(screen()).not.toContain("Apply 1 file");
  });
});
