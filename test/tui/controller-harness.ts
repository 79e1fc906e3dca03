/** A TuiController over a scripted backend, with readable views of its state for assertions. */
import { findRepoRoot, initRepo, listCheckpoints, listFiles, undoCheckpoint } from "../../src/git/index.js";
import { TuiController, type OpenBackend, type TuiDeps } from "../../src/tui/controller.js";
import type { LogEntry, TuiState } from "../../src/tui/state/types.js";
import { key, ScriptedBackend } from "./helpers.js";

export const git = { findRepoRoot, initRepo, listCheckpoints, listFiles, undoCheckpoint };

/** The default reply: renames world to planet in a.txt. */
export const REPLY = "Renaming it.\n\na.txt\n<<<<<<< SEARCH\nworld\n=======\nplanet\n>>>>>>> REPLACE\n";

/** A controller and ways to drive and read it. */
export interface Harness {
  c: TuiController;
  backend: ScriptedBackend;
  exits: { code: number; error?: Error }[];
  state: () => TuiState;
  /** The scrollback, one line per entry (`describeEntry`). */
  log: () => string[];
  /** Types `text` a key at a time. */
  type: (text: string) => void;
}

/** A controller in `dir` (a scripted backend with `REPLY` unless given). */
export function harness(dir: string, over: Partial<TuiDeps> & { backend?: ScriptedBackend } = {}): Harness {
  const backend = over.backend ?? new ScriptedBackend({ replies: [REPLY] });
  const exits: { code: number; error?: Error }[] = [];
  const openBackend: OpenBackend = over.openBackend ?? (async () => backend);
  const c = new TuiController({ cwd: dir, git, openBackend, onExit: (code, error) => exits.push(error ? { code, error } : { code }), ...over, store: { frameMs: 0 } });
  const state = (): TuiState => c.store.getState();
  return {
    c,
    backend,
    exits,
    state,
    log: () => state().log.map(describeEntry),
    type: (text) => {
      for (const ch of text) c.key(ch, key());
    },
  };
}

/** One scrollback entry as a line. */
export function describeEntry(e: LogEntry): string {
  switch (e.kind) {
    case "notice":
      return `${e.tone}: ${e.text}`;
    case "prose":
    case "user":
      return `${e.kind}: ${e.text}`;
    case "diff":
      return `diff ${e.path}`;
    case "list":
      return `list ${e.title}: ${e.lines.join(" | ")}`;
    case "shell":
      return `shell ${e.command}: ${e.cancelled ? "stopped" : `exit ${e.exitCode}`}: ${e.output}`;
    default:
      return e.kind;
  }
}

/** Presses Enter. */
export const enter = (h: Harness): void => h.c.key("", key({ return: true }));
