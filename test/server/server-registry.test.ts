import { mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findRunningServer, listServers, registerServer, serversDir, type ServerRecord } from "../../src/server/server-registry.js";

const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

function setup(): { env: NodeJS.ProcessEnv; model: string; dir: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), "spark-registry-"));
  made.push(dir);
  const model = path.join(dir, "m.gguf");
  writeFileSync(model, "GGUF");
  return { env: { XDG_CACHE_HOME: path.join(dir, "cache") }, model, dir };
}

const record = (over: Partial<ServerRecord>): ServerRecord => ({
  pid: process.pid,
  url: "http://127.0.0.1:1/v1",
  modelPath: "/nowhere",
  model: "m",
  contextSize: 4096,
  sequences: 4,
  auth: false,
  startedAt: new Date().toISOString(),
  ...over,
});

describe("server registry", () => {
  it("finds a live server for the same model (through symlinks), and forgets it once removed", async () => {
    const { env, model, dir } = setup();
    const link = path.join(dir, "link.gguf");
    symlinkSync(model, link);
    const reg = await registerServer(record({ modelPath: link }), env);
    const yes = async (): Promise<boolean> => true;
    expect(await findRunningServer(model, { env, probe: yes })).toMatchObject({ pid: process.pid, modelPath: model });
    expect(await findRunningServer(path.join(dir, "other.gguf"), { env, probe: yes })).toBeUndefined();
    expect(await findRunningServer(model, { env, probe: yes, minContext: 8192 })).toBeUndefined();
    expect(await findRunningServer(model, { env, probe: async () => false })).toBeUndefined();
    reg.remove();
    expect(await findRunningServer(model, { env, probe: yes })).toBeUndefined();
  });

  it("deletes the file of a server whose process is gone", async () => {
    const { env, model } = setup();
    await registerServer(record({ pid: 999_999_999, modelPath: model }), env);
    expect(readdirSync(serversDir(env))).toHaveLength(1);
    expect(await listServers({ env })).toEqual([]);
    expect(readdirSync(serversDir(env))).toHaveLength(0);
  });

  it("the default probe asks /health and checks the pid, so a reused port does not fool it", async () => {
    const { env, model } = setup();
    let pid = process.pid;
    const health = createServer((_req, res) => res.end(JSON.stringify({ status: "ok", pid })));
    await new Promise<void>((r) => health.listen(0, "127.0.0.1", () => r()));
    try {
      const url = `http://127.0.0.1:${(health.address() as AddressInfo).port}/v1`;
      await registerServer(record({ url, modelPath: model }), env);
      expect(await findRunningServer(model, { env })).toMatchObject({ url });
      pid = 1;
      expect(await findRunningServer(model, { env })).toBeUndefined();
    } finally {
      await new Promise<void>((r) => health.close(() => r()));
    }
  });
});
