/**
 * Mounts the TUI on a terminal and resolves with the exit code when the person leaves.
 */
import { render } from "ink";
import { App } from "./components/App.js";
import { TuiController, type TuiDeps } from "./controller.js";
import { themeFor } from "./theme.js";

/** Options of `runTui`. */
export interface RunTuiOptions extends Omit<TuiDeps, "onExit" | "clearScreen"> {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
}

/** How the session ended. */
export interface TuiResult {
  exitCode: number;
  /** Set when it ended on an error (printed by the CLI as one line). */
  error?: Error;
}

/** Runs the interactive session until /exit, a double Ctrl-C, or a signal. */
export async function runTui(opts: RunTuiOptions): Promise<TuiResult> {
  let finish: (r: TuiResult) => void = () => undefined;
  const done = new Promise<TuiResult>((resolve) => (finish = resolve));
  const controller = new TuiController({
    ...opts,
    onExit: (exitCode, error) => finish(error ? { exitCode, error } : { exitCode }),
    clearScreen: () => opts.stdout.write("\x1b[2J\x1b[3J\x1b[H"),
  });
  const ink = render(<App store={controller.store} onKey={(input, key) => controller.key(input, key)} theme={themeFor(opts.env)} />, {
    stdin: opts.stdin,
    stdout: opts.stdout,
    stderr: opts.stderr,
    exitOnCtrlC: false,
    patchConsole: false,
    maxFps: 30,
    // Ink 6.8's incremental mode moves the cursor one row short of the frame's top whenever the
    // frame ends in a newline (every frame shorter than the terminal), so each frame lands a row
    // lower and leaves the previous one's first line behind: streamed fragments, stale status
    // lines. The whole live area is rewritten instead; it is a few short lines (the streamed text
    // shows only its tail), and frames are paced by their cost (store.ts).
    incrementalRendering: false,
  });
  try {
    await controller.start();
    const result = await done;
    return result;
  } finally {
    ink.unmount();
    await ink.waitUntilExit().catch(() => undefined);
  }
}
