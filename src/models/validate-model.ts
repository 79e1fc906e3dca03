import { ModelError, quoteName } from "../errors.js";
import { readGgufHeader, type GgufHeader } from "./gguf-header.js";

/**
 * Architectures that are not language models even though they are GGUF files: a multimodal
 * projector (`clip`, an mmproj file) is the usual wrong pick from a vision repo.
 */
const notLanguageModels = new Set(["clip", "(unknown)"]);

let supported: Promise<ReadonlySet<string>> | undefined;

/**
 * The architectures the bundled llama.cpp knows, from node-llama-cpp's own `GgufArchitectureType`
 * (kept in sync with its llama.cpp build), so the list never goes stale against the binding.
 * Imported lazily: loading node-llama-cpp costs most of a second, which `spark model list` and
 * the download path don't need.
 */
export function supportedArchitectures(): Promise<ReadonlySet<string>> {
  supported ??= import("node-llama-cpp").then((mod) => {
    // Declared as a `const enum` (not iterable under verbatimModuleSyntax) but shipped as an object.
    const table = (mod as unknown as { GgufArchitectureType: Record<string, unknown> }).GgufArchitectureType;
    const names = Object.values(table).filter((a): a is string => typeof a === "string");
    return new Set(names.filter((a) => !notLanguageModels.has(a)));
  });
  return supported;
}

/** Throws a one-line `ModelError` unless llama.cpp can load `header.architecture`. */
export async function assertSupportedArchitecture(header: GgufHeader): Promise<void> {
  const known = await supportedArchitectures();
  if (known.has(header.architecture)) return;
  const what = notLanguageModels.has(header.architecture) ? " (a projector/encoder file, not a language model)" : "";
  throw new ModelError(
    `unsupported model architecture ${quoteName(header.architecture)}${what} in ${header.path}; the bundled llama.cpp loads e.g. llama, qwen2, qwen3, gemma3, phi3`,
  );
}

/** Reads the GGUF header of `path` and checks llama.cpp can load it; throws a `ModelError` if not. */
export async function validateModelFile(path: string): Promise<GgufHeader> {
  const header = await readGgufHeader(path);
  await assertSupportedArchitecture(header);
  return header;
}
