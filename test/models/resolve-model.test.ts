import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InterruptedError, ModelError, exitCodeOf } from "../../src/errors.js";
import { listCachedModels, resolveModel, type ResolveModelOptions } from "../../src/models/index.js";
import { startFakeHub, type FakeHub, type FakeHubOptions } from "./fake-hub.js";
import { sampleGguf } from "./gguf-samples.js";

const REPO = "test/Tiny-Coder-GGUF";
const Q8 = "tiny-coder-q8_0.gguf";
const Q4 = "tiny-coder-q4_k_m.gguf";
const model = sampleGguf({ seed: 1 });
const modelQ4 = sampleGguf({ seed: 2, elements: 25_600 });
const sha = (b: Buffer): string => createHash("sha256").update(b).digest("hex");

let cache: string;
let hub: FakeHub | undefined;

beforeEach(async () => {
  cache = await mkdtemp(path.join(os.tmpdir(), "spark-models-"));
});
afterEach(async () => {
  await hub?.close();
  hub = undefined;
  await rm(cache, { recursive: true, force: true });
});

async function serve(extra: Partial<FakeHubOptions> = {}, files: Record<string, Buffer> = { [Q8]: model, [Q4]: modelQ4 }): Promise<FakeHub> {
  hub = await startFakeHub({ repos: { [REPO]: { ...files, "README.md": Buffer.from("# tiny\n") } }, ...extra });
  return hub;
}

function opts(h: FakeHub, more: ResolveModelOptions = {}): ResolveModelOptions {
  return { cacheDir: cache, env: {}, endpoint: { huggingFace: h.url }, ...more };
}

async function failure(p: Promise<unknown>): Promise<Error> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Error);
  expect((err as Error).message).not.toContain("\n");
  return err as Error;
}

const cacheFiles = async (): Promise<string[]> => (await readdir(cache).catch(() => [] as string[])).sort();
const finalName = `hf_test_Tiny-Coder-GGUF_Q8_0.gguf`;

describe("resolveModel from a Hugging Face-like endpoint", () => {
  it("downloads hf:USER/REPO:QUANT into the cache, then reuses it without any request", async () => {
    const h = await serve();
    const progress: { downloadedBytes: number; totalBytes: number }[] = [];
    const first = await resolveModel(`hf:${REPO}:Q8_0`, opts(h, { onProgress: (p) => progress.push(p) }));
    expect(first).toMatchObject({ source: "hf", uri: `hf:${REPO}:Q8_0`, sizeBytes: model.length, downloaded: true, path: path.join(cache, finalName) });
    expect(first.header.architecture).toBe("llama");
    expect(sha(await readFile(first.path))).toBe(sha(model));
    expect(progress.at(-1)).toEqual({ downloadedBytes: model.length, totalBytes: model.length });
    expect(h.unknown).toEqual([]);
    // The manifest is asked with llama.cpp's user agent, then the file follows the Hub's redirect.
    expect(h.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /v2/${REPO}/manifests/Q8_0`,
      `GET /${REPO}/resolve/main/${Q8}`,
      `GET /cdn/${sha(model)}`,
    ]);
    expect(h.requests[0]?.userAgent).toBe("llama-cpp");
    expect(await cacheFiles()).toEqual([finalName, `${finalName}.json`]);

    const before = h.requests.length;
    const second = await resolveModel(`hf:${REPO}:q8_0`, opts(h));
    expect(second).toMatchObject({ path: first.path, downloaded: false, sizeBytes: model.length });
    expect(h.requests.length).toBe(before);

    const listed = await listCachedModels({ cacheDir: cache });
    expect(listed).toEqual([{ name: `hf:${REPO}:Q8_0`, path: first.path, sizeBytes: model.length, origin: expect.objectContaining({ remoteFile: Q8 }) }]);
  });

  it("downloads hf:USER/REPO/FILE.gguf and plain URLs without asking for a manifest", async () => {
    const h = await serve();
    const byFile = await resolveModel(`hf:${REPO}/${Q4}`, opts(h));
    expect(sha(await readFile(byFile.path))).toBe(sha(modelQ4));
    const byUrl = await resolveModel(`${h.url}${REPO}/resolve/main/${Q8}`, opts(h));
    expect(byUrl.source).toBe("url");
    expect(path.basename(byUrl.path)).toMatch(/^url_127\.0\.0\.1_\d+_tiny-coder-q8_0-[0-9a-f]{8}\.gguf$/);
    expect(h.requests.some((r) => r.path.startsWith("/v2/") || r.path.startsWith("/api/"))).toBe(false);
  });

  it("falls back to the repo listing when the endpoint has no manifest API, and picks Q4_K_M by default", async () => {
    const h = await serve({ manifests: false });
    const got = await resolveModel(`hf:${REPO}`, opts(h));
    expect(sha(await readFile(got.path))).toBe(sha(modelQ4));
    expect(h.requests.map((r) => r.path)).toContain(`/api/models/${REPO}`);
  });

  it("says which quants exist when the asked one does not", async () => {
    const h = await serve();
    const err = await failure(resolveModel(`hf:${REPO}:Q5_K_M`, opts(h)));
    expect(err).toBeInstanceOf(ModelError);
    expect(err.message).toBe(`model hf:${REPO} has no Q5_K_M file (available: Q8_0, Q4_K_M); pick one with hf:${REPO}:QUANT`);
    const missing = await failure(resolveModel("hf:test/Nope-GGUF:Q8_0", opts(h)));
    expect(missing.message).toBe(`model hf:test/Nope-GGUF not found at ${h.url}`);
  });

  it("resumes an aborted download with a Range request and keeps nothing under the final name meanwhile", async () => {
    const cut = 100_000;
    const h = await serve({ plan: ({ attempt }) => (attempt === 0 ? { holdAfter: cut } : {}) });
    const controller = new AbortController();
    const aborted = await failure(
      resolveModel(`hf:${REPO}:Q8_0`, opts(h, { signal: controller.signal, onProgress: (p) => p.downloadedBytes >= cut && controller.abort() })),
    );
    expect(aborted).toBeInstanceOf(InterruptedError);
    expect(exitCodeOf(aborted)).toBe(130);
    expect(await cacheFiles()).toEqual([`${finalName}.partial`, `${finalName}.partial.json`]);
    expect((await stat(path.join(cache, `${finalName}.partial`))).size).toBe(cut);

    const done = await resolveModel(`hf:${REPO}:Q8_0`, opts(h));
    expect(sha(await readFile(done.path))).toBe(sha(model));
    const fileServes = h.serves.filter((s) => s.file === Q8);
    expect(fileServes.map((s) => [s.status, s.start, s.bytesSent])).toEqual([
      [200, 0, cut],
      [206, cut, model.length - cut],
    ]);
    const resumeRequest = h.requests.filter((r) => r.path.startsWith("/cdn/")).at(-1);
    expect(resumeRequest).toMatchObject({ range: `bytes=${cut}-`, ifRange: `"${sha(model)}"` });
    expect(await cacheFiles()).toEqual([finalName, `${finalName}.json`]);
  });

  it("starts over when the file changed on the server between the abort and the resume", async () => {
    const h = await serve({ plan: ({ attempt }) => (attempt === 0 ? { holdAfter: 50_000 } : {}) });
    const controller = new AbortController();
    await failure(resolveModel(`hf:${REPO}/${Q8}`, opts(h, { signal: controller.signal, onProgress: (p) => p.downloadedBytes >= 50_000 && controller.abort() })));
    const updated = sampleGguf({ seed: 99 });
    h.setFile(REPO, Q8, updated);
    const done = await resolveModel(`hf:${REPO}/${Q8}`, opts(h));
    // If-Range no longer matches, so the server sends the whole new file, not a splice.
    expect(sha(await readFile(done.path))).toBe(sha(updated));
    expect(h.serves.at(-1)).toMatchObject({ status: 200, start: 0 });
  });

  it("rides out a connection that keeps dropping, as long as every try makes progress", async () => {
    const step = 50_000;
    const h = await serve({ plan: () => ({ dropAfter: step }) });
    const done = await resolveModel(`hf:${REPO}:Q8_0`, opts(h));
    expect(sha(await readFile(done.path))).toBe(sha(model));
    expect(h.serves.map((s) => s.start)).toEqual([0, 50_000, 100_000, 150_000, 200_000]);
  });

  it("fails with exit 3 when the server drops the connection, keeping only the resumable .partial", async () => {
    const h = await serve({ plan: ({ attempt }) => ({ dropAfter: attempt === 0 ? 30_000 : 0 }) });
    const err = await failure(resolveModel(`hf:${REPO}:Q8_0`, opts(h)));
    expect(err).toBeInstanceOf(ModelError);
    expect(exitCodeOf(err)).toBe(3);
    expect(err.message).toMatch(new RegExp(`broke off at 30000 of ${model.length} bytes \\(.+\\); run again to resume$`));
    expect(await cacheFiles()).toEqual([`${finalName}.partial`, `${finalName}.partial.json`]);
  });

  it("fails with exit 3 and leaves nothing when the connection drops before any byte", async () => {
    const h = await serve({ plan: () => ({ dropAfter: 0 }) });
    const err = await failure(resolveModel(`hf:${REPO}:Q8_0`, opts(h)));
    expect(err).toBeInstanceOf(ModelError);
    expect(err.message).toMatch(/^download of http:\/\/127\.0\.0\.1:\d+\/.+ failed: /);
    expect(await cacheFiles()).toEqual([]);
  });

  it("fails with exit 3 and leaves nothing on a 404, a server error, or an unreachable endpoint", async () => {
    const h = await serve({ plan: () => ({ status: 503 }) });
    const notFound = await failure(resolveModel(`hf:${REPO}/missing.gguf`, opts(h)));
    expect(notFound).toBeInstanceOf(ModelError);
    expect(notFound.message).toMatch(/HTTP 404.*\(not found\) for http:.*missing\.gguf$/);
    const serverError = await failure(resolveModel(`hf:${REPO}/${Q8}`, opts(h)));
    expect(serverError.message).toMatch(/failed: HTTP 503/);
    expect(await cacheFiles()).toEqual([]);
    const closed = await startFakeHub({ repos: {} });
    await closed.close();
    const unreachable = await failure(resolveModel(`hf:${REPO}:Q8_0`, opts(closed)));
    expect(unreachable).toBeInstanceOf(ModelError);
    expect(unreachable.message).toBe("resolving hf:test/Tiny-Coder-GGUF:Q8_0 failed: connection refused");
  });

  it("rejects a non-GGUF body at its first bytes, and truncated or unsupported GGUFs after download", async () => {
    const page = Buffer.from("<!doctype html><html><body>Sign in to continue</body></html>".padEnd(20_000, " "));
    const truncated = model.subarray(0, 120_000);
    const alien = sampleGguf({ architecture: "frobnicator" });
    const h = await serve({ plan: ({ file }) => (file === "page.gguf" ? { contentType: "text/html; charset=utf-8" } : {}) }, { "page.gguf": page, "cut-q8_0.gguf": truncated, "alien.gguf": alien });
    const html = await failure(resolveModel(`hf:${REPO}/page.gguf`, opts(h)));
    expect(html.message).toMatch(/page\.gguf is not a GGUF file \(the server sent text\/html\)$/);
    const cut = await failure(resolveModel(`hf:${REPO}/cut-q8_0.gguf`, opts(h)));
    expect(cut.message).toMatch(new RegExp(`^downloaded hf:${REPO}/cut-q8_0.gguf: truncated GGUF file: http://.*cut-q8_0\\.gguf \\(120000 bytes, its tensors need ${model.length}\\)$`));
    const arch = await failure(resolveModel(`hf:${REPO}/alien.gguf`, opts(h)));
    expect(arch.message).toMatch(/unsupported model architecture "frobnicator"/);
    for (const e of [html, cut, arch]) expect(exitCodeOf(e)).toBe(3);
    expect(await cacheFiles()).toEqual([]);
  });

  it("refuses to reuse a cached file that was damaged after download", async () => {
    const h = await serve();
    const got = await resolveModel(`hf:${REPO}:Q8_0`, opts(h));
    await writeFile(got.path, model.subarray(0, 1000));
    const err = await failure(resolveModel(`hf:${REPO}:Q8_0`, opts(h)));
    expect(err.message).toMatch(/^truncated GGUF file: .*; delete it to download hf:test\/Tiny-Coder-GGUF:Q8_0 again$/);
  });

  it("does not download with download: false", async () => {
    const h = await serve();
    const err = await failure(resolveModel(`hf:${REPO}:Q8_0`, opts(h, { download: false })));
    expect(err.message).toBe(`model hf:${REPO}:Q8_0 is not downloaded; run: spark model pull hf:${REPO}:Q8_0`);
    expect(h.requests).toEqual([]);
  });

  it("sends HF_TOKEN to the Hub", async () => {
    const h = await serve();
    await resolveModel(`hf:${REPO}:Q8_0`, opts(h, { env: { HF_TOKEN: "hf_secret" } }));
    expect(h.requests.every((r) => r.authorization === "Bearer hf_secret")).toBe(true);
  });

  it("takes the endpoint from HF_ENDPOINT when none is passed", async () => {
    const h = await serve();
    const got = await resolveModel(`hf:${REPO}:Q8_0`, { cacheDir: cache, env: { HF_ENDPOINT: h.url.slice(0, -1) } });
    expect(got.downloaded).toBe(true);
  });
});

describe("resolveModel on local files", () => {
  it("validates a path in place and fails with exit 3 on a missing or broken file", async () => {
    const file = path.join(cache, "local.gguf");
    await writeFile(file, model);
    await expect(resolveModel("local.gguf", { cwd: cache })).resolves.toMatchObject({ source: "file", path: file, sizeBytes: model.length, downloaded: false });
    const missing = await failure(resolveModel(path.join(cache, "nonexistent.gguf")));
    expect(exitCodeOf(missing)).toBe(3);
    await writeFile(file, "not a model");
    expect((await failure(resolveModel(file))).message).toBe(`not a GGUF file: ${file}`);
  });
});
