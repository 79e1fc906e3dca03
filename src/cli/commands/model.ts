import type { Command } from "commander";
import { UsageError, type SparkError } from "../../errors.js";
import {
  createDownloadProgress,
  defaultModelUri,
  formatBytes,
  listCachedModels,
  resolveModel,
  type GgufHeader,
  type ResolvedModel,
} from "../../models/index.js";
import { modelsDir } from "../../paths.js";
import type { CliContext } from "../context.js";

interface ModelCommandOptions {
  json?: boolean;
  model?: string;
}

const actions = ["pull", "list", "info"] as const;
type Action = (typeof actions)[number];

function writeJson(ctx: CliContext, event: Record<string, unknown>): void {
  ctx.stdout.write(`${JSON.stringify(event)}\n`);
}

/** `spark model pull|list|info [URI]`: fetch (with progress) / list cached / describe a model. */
export function registerModel(program: Command, ctx: CliContext): void {
  program
    .command("model")
    .description("fetch / list / describe models: pull [URI], list, info [URI]")
    .argument("<action>", `one of: ${actions.join(", ")}`)
    .argument("[uri]", "PATH, hf:USER/REPO[:QUANT] or URL (default: --model, SPARK_MODEL, then the built-in default)")
    .option("--model <uri>", "same as URI")
    .option("--json", "JSONL output")
    .action(async (action: string, uri: string | undefined, opts: ModelCommandOptions) => {
      if (!(actions as readonly string[]).includes(action)) {
        throw new UsageError(`unknown model action "${action}" (expected ${actions.join(", ")})`);
      }
      try {
        await runModelAction(ctx, action as Action, uri ?? opts.model, opts.json === true);
      } catch (err) {
        if (opts.json === true && err instanceof Error) {
          writeJson(ctx, { type: "error", message: err.message, code: (err as Partial<SparkError>).code ?? "error" });
        }
        throw err;
      }
    });
}

async function runModelAction(ctx: CliContext, action: Action, uri: string | undefined, json: boolean): Promise<void> {
  if (action === "list") {
    if (uri !== undefined) throw new UsageError("spark model list takes no URI");
    return listModels(ctx, json);
  }
  const target = uri ?? defaultModelUri(ctx.env);
  if (action === "pull") return pull(ctx, target, json);
  return info(ctx, target, json);
}

/**
 * Resolves `uri` for a command, showing download progress the way the CLI does everywhere: a bar
 * on a TTY stderr, JSONL `download.progress` on stdout with `json`, else one final line.
 * For bench/doctor/run/serve as much as for `spark model pull`.
 */
export async function resolveModelWithProgress(ctx: CliContext, uri: string, json: boolean): Promise<ResolvedModel> {
  const progress = createDownloadProgress({ stderr: ctx.stderr, stdout: ctx.stdout, json, label: uri });
  let model: ResolvedModel;
  try {
    model = await resolveModel(uri, { env: ctx.env, cwd: ctx.cwd, signal: ctx.signal, onProgress: (p) => progress.update(p) });
  } finally {
    progress.stop();
  }
  progress.finish(model.path);
  return model;
}

async function pull(ctx: CliContext, uri: string, json: boolean): Promise<void> {
  const model = await resolveModelWithProgress(ctx, uri, json);
  if (json) {
    writeJson(ctx, { type: "model.ready", uri: model.uri, source: model.source, path: model.path, sizeBytes: model.sizeBytes, downloaded: model.downloaded });
    return;
  }
  if (!model.downloaded) {
    const what = model.source === "file" ? "is a valid GGUF" : "is already downloaded";
    ctx.stderr.write(`spark: ${model.uri} ${what} (${model.header.architecture}, ${formatBytes(model.sizeBytes)})\n`);
  }
  ctx.stdout.write(`${model.path}\n`);
}

async function listModels(ctx: CliContext, json: boolean): Promise<void> {
  const dir = modelsDir(ctx.env);
  const models = await listCachedModels({ env: ctx.env });
  if (json) {
    writeJson(ctx, { type: "model.list", dir, models: models.map((m) => ({ name: m.name, path: m.path, sizeBytes: m.sizeBytes })) });
    return;
  }
  if (models.length === 0) {
    ctx.stdout.write(`no models in ${dir}; fetch one with: spark model pull [URI]\n`);
    return;
  }
  const sizes = models.map((m) => formatBytes(m.sizeBytes));
  const nameWidth = Math.max(4, ...models.map((m) => m.name.length));
  const sizeWidth = Math.max(4, ...sizes.map((s) => s.length));
  const row = (a: string, b: string, c: string): string => `${a.padEnd(nameWidth)}  ${b.padStart(sizeWidth)}  ${c}\n`;
  ctx.stdout.write(row("NAME", "SIZE", "PATH"));
  models.forEach((m, i) => ctx.stdout.write(row(m.name, sizes[i] ?? "", m.path)));
}

/** "1.54 B" style parameter count. */
function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} K`;
  return String(n);
}

function infoFacts(h: GgufHeader): Record<string, string | number | undefined> {
  return {
    architecture: h.architecture,
    name: h.name,
    parameterCount: h.parameterCount,
    fileType: h.fileTypeName,
    contextLength: h.contextLength,
    layers: h.blockCount,
    embeddingLength: h.embeddingLength,
    feedForwardLength: h.feedForwardLength,
    heads: h.headCount,
    kvHeads: h.headCountKv,
    headSize: h.headSize,
    vocabSize: h.vocabSize,
    ggufVersion: h.version,
    tensors: h.tensorCount,
  };
}

async function info(ctx: CliContext, uri: string, json: boolean): Promise<void> {
  const model = await resolveModel(uri, { env: ctx.env, cwd: ctx.cwd, signal: ctx.signal, download: false });
  const facts = infoFacts(model.header);
  if (json) {
    writeJson(ctx, { type: "model.info", uri: model.uri, path: model.path, sizeBytes: model.sizeBytes, ...facts });
    return;
  }
  const h = model.header;
  const heads = h.headCount === undefined ? undefined : h.headCountKv !== undefined && h.headCountKv !== h.headCount ? `${h.headCount} (KV ${h.headCountKv})` : String(h.headCount);
  const lines: [string, string | number | undefined][] = [
    ["model", model.uri],
    ["path", model.path],
    ["size", formatBytes(model.sizeBytes)],
    ["architecture", h.architecture],
    ["name", h.name],
    ["parameters", formatCount(h.parameterCount)],
    ["quantization", h.fileTypeName],
    ["context length", h.contextLength],
    ["layers", h.blockCount],
    ["embedding", h.embeddingLength],
    ["feed-forward", h.feedForwardLength],
    ["heads", heads],
    ["head size", h.headSize],
    ["vocabulary", h.vocabSize],
    ["gguf", `v${h.version}, ${h.tensorCount} tensors`],
  ];
  for (const [k, v] of lines) if (v !== undefined) ctx.stdout.write(`${k.padEnd(16)}${v}\n`);
}
