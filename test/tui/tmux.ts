/**
 * A real terminal for whole-program TUI tests: one private tmux server per session (its own
 * socket), keys in, screen text out, waits bounded and driven by what the screen shows.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";

/** True when tmux can be run here. */
export function hasTmux(): boolean {
  try {
    execFileSync("tmux", ["-V"], { stdio: "pipe" });
    return true;
  } catch {
    return false;
  }
}

/** Options of `TmuxSession.start`. */
export interface TmuxStartOptions {
  /** Folder for the socket and the launcher script. */
  dir: string;
  /** Where the program runs. */
  cwd: string;
  /** The program and its arguments. */
  argv: string[];
  /** Its whole environment. */
  env: Record<string, string>;
  /** Terminal size. Default 80×24. */
  columns?: number;
  rows?: number;
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** One program running in a detached tmux session. */
export class TmuxSession {
  private constructor(private readonly socket: string) {}

  /** Starts `argv`; when it exits, the pane prints "[exit N]" and stays. */
  static start(opts: TmuxStartOptions): TmuxSession {
    const socket = path.join(opts.dir, "tmux.sock");
    const script = path.join(opts.dir, "launch.sh");
    const exports = Object.entries(opts.env).map(([k, v]) => `export ${k}=${quote(v)}`);
    writeFileSync(script, ["#!/bin/sh", ...exports, `cd ${quote(opts.cwd)}`, `${opts.argv.map(quote).join(" ")}`, 'echo "[exit $?]"', "exec sleep 3600", ""].join("\n"));
    const session = new TmuxSession(socket);
    session.tmux("-f", "/dev/null", "new-session", "-d", "-s", "t", "-x", String(opts.columns ?? 80), "-y", String(opts.rows ?? 24), `sh ${quote(script)}`);
    return session;
  }

  private tmux(...args: string[]): string {
    return execFileSync("tmux", ["-S", this.socket, ...args], { encoding: "utf8", stdio: "pipe" });
  }

  /** Types `text` literally. */
  type(text: string): void {
    this.tmux("send-keys", "-t", "t", "-l", text);
  }

  /** Presses keys by tmux name ("Enter", "Escape", "C-c", "Tab"). */
  press(...keys: string[]): void {
    this.tmux("send-keys", "-t", "t", ...keys);
  }

  /** Resizes the terminal. */
  resize(columns: number, rows: number): void {
    this.tmux("resize-window", "-t", "t", "-x", String(columns), "-y", String(rows));
  }

  /** The screen and its scrollback, wrapped lines joined, trailing blank lines dropped. */
  screen(): string {
    return this.tmux("capture-pane", "-p", "-J", "-t", "t", "-S", "-500").replace(/\s+$/, "");
  }

  /** The last line on screen (the status bar while the TUI runs). */
  lastLine(): string {
    return this.screen().split("\n").at(-1) ?? "";
  }

  /** Waits until `check(screen)` passes; fails with the screen after `ms`. */
  async waitFor(check: (screen: string) => boolean, what: string, ms = 30_000): Promise<string> {
    const until = Date.now() + ms;
    for (;;) {
      const s = this.screen();
      if (check(s)) return s;
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}; screen:\n${s}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Stops the tmux server (and the program in it). */
  kill(): void {
    try {
      this.tmux("kill-server");
    } catch {
      // already gone
    }
  }
}
