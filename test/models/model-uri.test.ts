import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors.js";
import { quantOf } from "../../src/models/hf-resolve.js";
import { cacheFileName, formatModelRef, parseModelRef, type ModelRef } from "../../src/models/index.js";

type Remote = Exclude<ModelRef, { kind: "file" }>;

describe("parseModelRef", () => {
  it("parses hf:USER/REPO[:QUANT] in its spellings", () => {
    expect(parseModelRef("hf:Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF:q8_0")).toEqual({
      kind: "hf",
      user: "Qwen",
      repo: "Qwen2.5-Coder-1.5B-Instruct-GGUF",
      quant: "Q8_0",
      revision: "main",
    });
    expect(parseModelRef("hf://u/r")).toEqual({ kind: "hf", user: "u", repo: "r", revision: "main" });
    expect(parseModelRef("huggingface:u/r:Q4_K_M")).toMatchObject({ quant: "Q4_K_M" });
  });

  it("parses hf:USER/REPO/path/FILE.gguf with an optional #revision", () => {
    expect(parseModelRef("hf:u/r/sub/dir/m-Q8_0.gguf")).toEqual({ kind: "hf", user: "u", repo: "r", file: "sub/dir/m-Q8_0.gguf", revision: "main" });
    expect(parseModelRef("hf:u/r/m.gguf#v2")).toMatchObject({ file: "m.gguf", revision: "v2" });
  });

  it("parses URLs (a /blob/ page link becomes its /resolve/ download) and paths", () => {
    expect(parseModelRef("https://huggingface.co/u/r/blob/main/m.gguf")).toEqual({ kind: "url", url: "https://huggingface.co/u/r/resolve/main/m.gguf" });
    expect(parseModelRef("http://127.0.0.1:8080/x/m.gguf")).toEqual({ kind: "url", url: "http://127.0.0.1:8080/x/m.gguf" });
    expect(parseModelRef("models/m.gguf", "/work")).toEqual({ kind: "file", path: "/work/models/m.gguf" });
    expect(parseModelRef("/abs/m.gguf", "/work")).toEqual({ kind: "file", path: "/abs/m.gguf" });
    expect(parseModelRef("file:///abs/m.gguf")).toEqual({ kind: "file", path: "/abs/m.gguf" });
  });

  it("rejects malformed references as usage errors", () => {
    for (const bad of ["", "hf:", "hf:user", "hf:u/r:Q8:0", "hf:u/r:Q8_0/f.gguf", "hf:u/r/../x.gguf", "hf:u/r/a//b.gguf", "hf:/r", "https://"]) {
      expect(() => parseModelRef(bad), bad).toThrow(UsageError);
    }
  });

  it("formats references back canonically", () => {
    for (const uri of ["hf:u/r:Q8_0", "hf:u/r", "hf:u/r/d/m.gguf", "hf:u/r/m.gguf#dev", "https://example.com/m.gguf"]) {
      expect(formatModelRef(parseModelRef(uri))).toBe(uri);
    }
    expect(formatModelRef(parseModelRef("hf:u/r:q4_k_m"))).toBe("hf:u/r:Q4_K_M");
  });
});

describe("cacheFileName", () => {
  const name = (uri: string): string => cacheFileName(parseModelRef(uri) as Remote);

  it("derives a flat, safe file name from the reference alone", () => {
    expect(name("hf:Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF:Q8_0")).toBe("hf_Qwen_Qwen2.5-Coder-1.5B-Instruct-GGUF_Q8_0.gguf");
    expect(name("hf:u/r")).toBe("hf_u_r.gguf");
    expect(name("hf:u/r/d/m.gguf")).toBe("hf_u_r_d__m.gguf");
    expect(name("hf:u/r/m.gguf#dev")).toBe("hf_u_r_m@dev.gguf");
    expect(name("https://example.com/a/m%20x.gguf?download=1")).toMatch(/^url_example\.com_m_x-[0-9a-f]{8}\.gguf$/);
  });

  it("keeps same-named files from different URLs apart", () => {
    expect(name("https://a.example/1/m.gguf")).not.toBe(name("https://a.example/2/m.gguf"));
  });
});

describe("quantOf", () => {
  it("reads the quant a GGUF file name ends with", () => {
    expect(quantOf("qwen2.5-coder-1.5b-instruct-q8_0.gguf")).toBe("Q8_0");
    expect(quantOf("Model.Q4_K_M.gguf")).toBe("Q4_K_M");
    expect(quantOf("dir/Llama-3.2-1B-Instruct-IQ4_XS.gguf")).toBe("IQ4_XS");
    expect(quantOf("m-Q4_K_M-00001-of-00003.gguf")).toBe("Q4_K_M");
    expect(quantOf("m-f16.gguf")).toBe("F16");
    expect(quantOf("model.gguf")).toBeUndefined();
  });
});
