import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { readGgufFileInfo } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureFixtureModel } from "../../fixtures/index.js";
import { ModelError } from "../../src/errors.js";
import { assertSupportedArchitecture, readGgufHeader, validateModelFile } from "../../src/models/index.js";
import { sampleGguf } from "./gguf-samples.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "spark-gguf-header-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function put(name: string, bytes: Buffer | string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, bytes);
  return file;
}

async function modelError(p: Promise<unknown>): Promise<ModelError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ModelError);
  const e = err as ModelError;
  expect(e.exitCode).toBe(3);
  expect(e.message).not.toContain("\n");
  return e;
}

describe("readGgufHeader", () => {
  it("reads the facts of a generated llama model, agreeing with node-llama-cpp's own reader", async () => {
    const file = ensureFixtureModel("successor");
    const h = await readGgufHeader(file);
    const theirs = await readGgufFileInfo(file, { logWarnings: false });
    const llama = (theirs.metadata as unknown as { llama: { context_length: number; embedding_length: number; block_count: number; attention: { head_count: number; head_count_kv: number } } }).llama;
    expect(h.version).toBe(theirs.version);
    expect(h.tensorCount).toBe(theirs.totalTensorCount);
    expect(h.kvCount).toBe(theirs.metadata ? h.metadata.size : -1);
    expect(h.architecture).toBe("llama");
    expect(h.name).toBe("spark-successor");
    expect(h.contextLength).toBe(llama.context_length);
    expect(h.embeddingLength).toBe(llama.embedding_length);
    expect(h.blockCount).toBe(llama.block_count);
    expect(h.headCount).toBe(llama.attention.head_count);
    expect(h.headCountKv).toBe(llama.attention.head_count_kv);
    expect(h.headSize).toBe(32);
    expect(h.vocabSize).toBe(259);
    const tensors = theirs.fullTensorInfo ?? [];
    // Their first tensor's absolute file offset is where the data section starts.
    expect(h.dataOffset).toBe(Number(tensors[0]?.fileOffset) - Number(tensors[0]?.offset));
    const params = tensors.reduce((sum, t) => sum + t.dimensions.reduce<number>((a, d) => a * Number(d), 1), 0);
    expect(h.parameterCount).toBe(params);
    expect(h.requiredBytes).toBe(h.fileSize);
  });

  it("names the file type and derives the head size from the embedding", async () => {
    const h = await readGgufHeader(await put("q.gguf", sampleGguf({ fileType: 7 })));
    expect(h.fileType).toBe(7);
    expect(h.fileTypeName).toBe("Q8_0");
    expect(h.headSize).toBe(32);
    expect(h.feedForwardLength).toBe(512);
    expect(h.metadata.get("tokenizer.ggml.model")).toBe("gpt2");
  });

  it("fails on a missing file, a directory, an empty file and a non-GGUF file", async () => {
    expect((await modelError(readGgufHeader(path.join(dir, "nope.gguf")))).message).toMatch(/^model file not found: .*nope\.gguf$/);
    await mkdir(path.join(dir, "folder.gguf"));
    expect((await modelError(readGgufHeader(path.join(dir, "folder.gguf")))).message).toMatch(/not a file/);
    expect((await modelError(readGgufHeader(await put("empty.gguf", "")))).message).toMatch(/^not a GGUF file/);
    expect((await modelError(readGgufHeader(await put("page.gguf", "<!DOCTYPE html><html>nope</html>")))).message).toMatch(/not a GGUF file: .*HTML page/);
    expect((await modelError(readGgufHeader(await put("zip.gguf", Buffer.from("PK\x03\x04rest-of-zip", "latin1"))))).message).toMatch(/^not a GGUF file/);
  });

  it("rejects GGUF versions other than 2 and 3", async () => {
    const v1 = sampleGguf();
    v1.writeUInt32LE(1, 4);
    expect((await modelError(readGgufHeader(await put("v1.gguf", v1)))).message).toMatch(/unsupported GGUF version 1/);
    v1.writeUInt32LE(4, 4);
    expect((await modelError(readGgufHeader(await put("v4.gguf", v1)))).message).toMatch(/version 4/);
  });

  it("rejects implausible counts without trying to allocate them", async () => {
    const bad = sampleGguf();
    bad.writeBigUInt64LE(1n << 40n, 8);
    expect((await modelError(readGgufHeader(await put("tensors.gguf", bad)))).message).toMatch(/implausible tensor count/);
  });

  it("catches truncation inside the header and inside the tensor data", async () => {
    const full = sampleGguf();
    const h = await readGgufHeader(await put("full.gguf", full));
    const inHeader = await modelError(readGgufHeader(await put("cut-header.gguf", full.subarray(0, 60))));
    expect(inHeader.message).toMatch(/^truncated GGUF file: .*cut-header\.gguf/);
    const inData = await modelError(readGgufHeader(await put("cut-data.gguf", full.subarray(0, h.dataOffset + 1000))));
    expect(inData.message).toMatch(new RegExp(`truncated GGUF file: .*cut-data\\.gguf \\(${h.dataOffset + 1000} bytes, its tensors need ${full.length}\\)`));
    // One byte short is still caught.
    await modelError(readGgufHeader(await put("cut-one.gguf", full.subarray(0, full.length - 1))));
  });

  it("reads a header larger than the first read (long tokenizer arrays)", async () => {
    // 4 MiB is read first; a 5 MB string forces a second, longer read.
    const base = sampleGguf({ elements: 256 });
    const h = await readGgufHeader(await put("base.gguf", base));
    expect(h.vocabSize).toBe(4);
    const { writeGguf } = await import("../../fixtures/index.js");
    const big = path.join(dir, "big-header.gguf");
    writeGguf(
      big,
      new Map([
        ["general.architecture", { type: "string", value: "qwen2" }],
        ["general.description", { type: "string", value: "x".repeat(5_000_000) }],
        ["qwen2.block_count", { type: "uint32", value: 24 }],
      ]),
      [],
    );
    const bh = await readGgufHeader(big);
    expect(bh.architecture).toBe("qwen2");
    expect(bh.blockCount).toBe(24);
  });
});

describe("architecture check", () => {
  it("accepts llama and qwen2, rejects an unknown architecture and projector files", async () => {
    await expect(validateModelFile(await put("llama.gguf", sampleGguf()))).resolves.toMatchObject({ architecture: "llama" });
    await expect(validateModelFile(await put("qwen2.gguf", sampleGguf({ architecture: "qwen2" })))).resolves.toMatchObject({ architecture: "qwen2" });
    const unknown = await modelError(validateModelFile(await put("foo.gguf", sampleGguf({ architecture: "frobnicator" }))));
    expect(unknown.message).toMatch(/^unsupported model architecture "frobnicator" in .*foo\.gguf/);
    const clip = await modelError(assertSupportedArchitecture(await readGgufHeader(await put("mmproj.gguf", sampleGguf({ architecture: "clip" })))));
    expect(clip.message).toMatch(/not a language model/);
  });
});
