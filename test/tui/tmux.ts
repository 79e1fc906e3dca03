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

/** What `screenProblems` expects of a captured TUI screen. */
export interface ScreenExpectation {
  /** Tasks submitted so far: each is echoed once in the scrollback as "› TASK". Default none. */
  tasks?: readonly string[];
  /** The reply being (or just) streamed: none of its lines may show cut short or twice. */
  reply?: string;
  /** A progress bar may be on screen (at most one). Default false: none may be. */
  progress?: boolean;
}

/** The status bar (all widths keep "tok/s · ctx"). */
const STATUS_LINE = / tok\/s · ctx /;
/** The live turn's one-line state. */
const TURN_STATE = /^● (thinking|working|writing|cancelling)… \(Esc to cancel\)$/;
const PROGRESS_LINE = /^(downloading the model|loading the model|reading the repository) /;
const APPROVAL_LINE = /^Apply \d+ files? \(\+\d+ -\d+\)\?$/;

/**
 * What is wrong with a captured screen (empty when nothing is), as a person reading it would
 * notice: exactly one status line, last; exactly one prompt besides the echoes of submitted
 * tasks; at most one turn state and one approval question (no turn state while it is asked); no
 * progress bar unless expected; and no line of the streamed reply shown cut short (except the
 * last one shown: the line being written, or where a cancel stopped it) or more often than the
 * reply holds it.
 */
export function screenProblems(screen: string, expect: ScreenExpectation = {}): string[] {
  const lines = screen.split("\n").map((l) => l.trimEnd());
  const problems: string[] = [];
  const count = (test: (line: string) => boolean): number[] => lines.flatMap((l, i) => (test(l) ? [i] : []));

  const status = count((l) => STATUS_LINE.test(l));
  if (status.length !== 1) problems.push(`${status.length} status lines (want 1): ${status.map((i) => JSON.stringify(lines[i])).join(", ")}`);
  else if (status[0] !== lines.length - 1) problems.push(`the status line is not the last line`);

  const echoes = new Set((expect.tasks ?? []).map((t) => `› ${t}`));
  for (const echo of echoes) {
    const n = count((l) => l === echo).length;
    if (n > 1) problems.push(`the task echo ${JSON.stringify(echo)} shows ${n} times`);
  }
  const prompts = count((l) => l.startsWith("›") && !echoes.has(l));
  if (prompts.length !== 1) problems.push(`${prompts.length} prompts (want 1): ${prompts.map((i) => JSON.stringify(lines[i])).join(", ")}`);

  const states = count((l) => TURN_STATE.test(l));
  const approvals = count((l) => APPROVAL_LINE.test(l));
  if (states.length > 1) problems.push(`${states.length} turn-state lines: ${states.map((i) => JSON.stringify(lines[i])).join(", ")}`);
  if (approvals.length > 1) problems.push(`${approvals.length} approval questions`);
  if (approvals.length > 0 && states.length > 0) problems.push(`a turn-state line beside the approval question: ${JSON.stringify(lines[states[0] ?? 0])}`);

  const progress = count((l) => PROGRESS_LINE.test(l));
  if (progress.length > (expect.progress ? 1 : 0)) problems.push(`${progress.length} progress lines: ${progress.map((i) => JSON.stringify(lines[i])).join(", ")}`);

  if (expect.reply !== undefined) problems.push(...replyProblems(lines, expect.reply));
  return problems;
}

/** Lines of `reply` shown cut short (anywhere but as the last line of it shown) or too often. */
function replyProblems(lines: readonly string[], reply: string): string[] {
  const full = reply.split("\n").map((l) => l.trimEnd()).filter((l) => l !== "");
  const wanted = new Map<string, number>();
  for (const l of full) wanted.set(l, (wanted.get(l) ?? 0) + 1);
  const problems: string[] = [];
  const seen = new Map<string, number>();
  const cut: number[] = [];
  let last = -1;
  lines.forEach((line, i) => {
    if (line === "") return;
    if (wanted.has(line)) {
      seen.set(line, (seen.get(line) ?? 0) + 1);
      last = i;
    } else if (full.some((l) => l.startsWith(line))) {
      cut.push(i);
      last = i;
    }
  });
  // The line being written (or where a cancel stopped the reply) is the last of the reply shown.
  for (const i of cut) if (i !== last) problems.push(`a cut-short line of the reply: ${JSON.stringify(lines[i])}`);
  for (const [line, n] of seen) if (n > (wanted.get(line) ?? 0)) problems.push(`the reply line ${JSON.stringify(line)} shows ${n} times`);
  return problems;
}

/** How long a screen that passes its check may take to show nothing wrong. */
const SETTLE_MS = 5_000;

/**
 * Waits (up to `waitMs`) until the screen passes `check`, then until it also shows nothing wrong
 * (see `screenProblems`). Frames reach tmux in pieces (tmux 3.3 has no synchronized output), so a
 * capture can land between the erase and the redraw of one frame; a fault that stays on screen
 * fails after a few seconds with the problems and the screen.
 */
export async function waitForIntactScreen(
  t: TmuxSession,
  check: (screen: string) => boolean,
  what: string,
  expect: ScreenExpectation = {},
  waitMs = 30_000,
): Promise<string> {
  const s = await t.waitFor(check, what, waitMs);
  const until = Date.now() + SETTLE_MS;
  let screen = s;
  for (;;) {
    const problems = screenProblems(screen, expect);
    if (problems.length === 0 && check(screen)) return screen;
    if (Date.now() > until) throw new Error(`the screen after ${what} is garbled:\n- ${problems.join("\n- ")}\nscreen:\n${screen}`);
    await new Promise((r) => setTimeout(r, 50));
    screen = t.screen();
  }
}
