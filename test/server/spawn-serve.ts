/**
 * Starts `node bin/spark.js serve --port 0 …` as a real child process (needs `npm run build`) and
 * reads the chosen port from its stderr. Lines are collected so tests can wait on log events.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const sparkBin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "bin", "spark.js");

export interface ServeProcess {
  child: ChildProcess;
  /** e.g. http://127.0.0.1:PORT/v1 */
  url: string;
  port: number;
  /** XDG_CACHE_HOME of the server. */
  cacheHome: string;
  lines: string[];
  /** Resolves with the first stderr line (seen or future) matching `re`. */
  waitForLine(re: RegExp): Promise<string>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** SIGTERM, then the exit code (a cache folder this helper made is removed after the exit). */
  stop(): Promise<number | null>;
}

/** Spawns the server; rejects with its stderr if it exits before listening. */
export function spawnServe(args: string[], env: Record<string, string> = {}): Promise<ServeProcess> {
  const ownCache = env.XDG_CACHE_HOME === undefined;
  const cacheHome = env.XDG_CACHE_HOME ?? mkdtempSync(path.join(os.tmpdir(), "spark-serve-cache-"));
  const child = spawn(process.execPath, [sparkBin, "serve", "--port", "0", ...args], {
    env: { PATH: process.env.PATH ?? "", HOME: os.tmpdir(), NO_COLOR: "1", SPARK_MODEL: "", ...env, XDG_CACHE_HOME: cacheHome },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const waiters: { re: RegExp; resolve: (line: string) => void }[] = [];
  let buffered = "";
  let stdout = "";
  child.stdout?.on("data", (b: Buffer) => (stdout += b.toString()));
  child.stderr?.on("data", (b: Buffer) => {
    buffered += b.toString();
    let nl: number;
    while ((nl = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      lines.push(line);
      for (const w of [...waiters]) {
        if (w.re.test(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  if (ownCache) void exited.then(() => rmSync(cacheHome, { recursive: true, force: true }));
  const waitForLine = (re: RegExp): Promise<string> => {
    const seen = lines.find((l) => re.test(l));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve) => waiters.push({ re, resolve }));
  };
  return new Promise((resolve, reject) => {
    void exited.then((code) => reject(new Error(`spark serve exited with ${code} before listening: ${lines.join("\n")}${buffered}${stdout}`)));
    void waitForLine(/listening on http:\/\/127\.0\.0\.1:(\d+)\/v1/).then((line) => {
      const m = /http:\/\/127\.0\.0\.1:(\d+)\/v1/.exec(line);
      const port = Number(m?.[1]);
      resolve({
        child,
        url: `http://127.0.0.1:${port}/v1`,
        port,
        cacheHome,
        lines,
        waitForLine,
        exited,
        stop: () => {
          if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
          return exited;
        },
      });
    });
  });
}
