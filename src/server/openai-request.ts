/**
 * Validates OpenAI request bodies into one internal shape. Unsupported features fail with a 400
 * that names them, rather than being silently ignored where the answer would differ.
 */
import type { ChatMessage } from "../inference/index.js";
import { HttpError } from "./http-error.js";

/** One parsed `/v1/chat/completions` or `/v1/completions` request. */
export interface CompletionRequest {
  kind: "chat" | "completion";
  /** Chat requests. */
  messages: ChatMessage[];
  /** Completion requests. */
  prompt: string;
  /** `max_completion_tokens` or `max_tokens`. Default: the rest of the context. */
  maxTokens: number | undefined;
  /** Default 0: greedy, the only mode where speculative drafts are verified exactly. */
  temperature: number;
  stop: string[];
  /** Predicted Outputs (`prediction: {type: "content", content}`), the speculation source. */
  prediction: string | undefined;
  /** GBNF grammar (llama-server's extension). */
  grammar: string | undefined;
  /** Keep going past end-of-generation tokens (llama-server's `ignore_eos`; benchmarks). Default false. */
  ignoreEos: boolean;
  stream: boolean;
  /** `stream_options.include_usage`. */
  includeUsage: boolean;
  /** `user`: a sticky key that keeps this client on one KV sequence. */
  user: string | undefined;
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function bad(message: string, code: string | null = null): HttpError {
  return new HttpError(400, message, "invalid_request_error", code);
}

/** Text of a message `content`: a string, or an array of `{type: "text", text}` parts. */
function contentText(content: unknown, where: string): string {
  if (typeof content === "string") return content;
  if (content === null || content === undefined) return "";
  if (!Array.isArray(content)) throw bad(`${where}.content must be a string or an array of text parts`);
  return content
    .map((part: unknown, i) => {
      if (isObject(part) && part.type === "text" && typeof part.text === "string") return part.text;
      throw bad(`${where}.content[${i}]: only text parts are supported`);
    })
    .join("");
}

/** Chat `messages` in the internal shape; a 400 HttpError names what is wrong. */
export function parseMessages(raw: unknown): ChatMessage[] {
  if (!Array.isArray(raw) || raw.length === 0) throw bad("messages must be a non-empty array");
  return raw.map((m: unknown, i) => {
    const where = `messages[${i}]`;
    if (!isObject(m)) throw bad(`${where} must be an object`);
    const content = contentText(m.content, where);
    switch (m.role) {
      case "system":
      case "developer":
        return { role: "system", content };
      case "user":
        return { role: "user", content };
      case "assistant":
        return { role: "assistant", content };
      case "tool":
        // No tool calling: a tool result reads best as the user reporting it.
        return { role: "user", content };
      default:
        throw bad(`${where}.role must be system, developer, user, assistant or tool`);
    }
  });
}

function optionalNumber(body: Json, key: string, min: number, max: number): number | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v) || v < min || v > max) throw bad(`${key} must be a number from ${min} to ${max}`);
  return v;
}

function optionalInt(body: Json, key: string): number | undefined {
  const v = optionalNumber(body, key, 1, Number.MAX_SAFE_INTEGER);
  if (v !== undefined && !Number.isInteger(v)) throw bad(`${key} must be a positive integer`);
  return v;
}

function parseStop(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (typeof v === "string") return v === "" ? [] : [v];
  if (Array.isArray(v) && v.every((s) => typeof s === "string")) return (v as string[]).filter((s) => s !== "");
  throw bad("stop must be a string or an array of strings");
}

function parsePrediction(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v) || v.type !== "content") throw bad('prediction must be {type: "content", content}');
  return contentText(v.content, "prediction");
}

function parseCommon(body: unknown, kind: CompletionRequest["kind"]): { body: Json; common: Omit<CompletionRequest, "messages" | "prompt" | "kind"> } {
  if (!isObject(body)) throw bad("request body must be a JSON object");
  const n = optionalInt(body, "n");
  if (n !== undefined && n > 1) throw bad("n > 1 is not supported");
  if (body.tools !== undefined && Array.isArray(body.tools) && body.tools.length > 0) throw bad("tools are not supported");
  if (body.stream !== undefined && typeof body.stream !== "boolean") throw bad("stream must be a boolean");
  const streamOptions = body.stream_options;
  if (streamOptions !== undefined && streamOptions !== null && !isObject(streamOptions)) throw bad("stream_options must be an object");
  if (body.grammar !== undefined && typeof body.grammar !== "string") throw bad("grammar must be a string");
  // Decoding is greedy unless a temperature is set and ignores these, but a value no sampler
  // could use is still the client's mistake, as OpenAI says.
  optionalNumber(body, "top_p", 0, 1);
  optionalNumber(body, "presence_penalty", -2, 2);
  optionalNumber(body, "frequency_penalty", -2, 2);
  if (body.user !== undefined && typeof body.user !== "string") throw bad("user must be a string");
  if (body.ignore_eos !== undefined && typeof body.ignore_eos !== "boolean") throw bad("ignore_eos must be a boolean");
  const maxTokens = kind === "chat" ? (optionalInt(body, "max_completion_tokens") ?? optionalInt(body, "max_tokens")) : optionalInt(body, "max_tokens");
  return {
    body,
    common: {
      maxTokens,
      temperature: optionalNumber(body, "temperature", 0, 2) ?? 0,
      stop: parseStop(body.stop),
      prediction: parsePrediction(body.prediction),
      grammar: typeof body.grammar === "string" && body.grammar.trim() !== "" ? body.grammar : undefined,
      ignoreEos: body.ignore_eos === true,
      stream: body.stream === true,
      includeUsage: isObject(streamOptions) && streamOptions.include_usage === true,
      user: typeof body.user === "string" && body.user !== "" ? body.user : undefined,
    },
  };
}

/** Parses a `/v1/chat/completions` body; throws a 400 HttpError. */
export function parseChatRequest(raw: unknown): CompletionRequest {
  const { body, common } = parseCommon(raw, "chat");
  return { kind: "chat", messages: parseMessages(body.messages), prompt: "", ...common };
}

/** Parses a `/v1/completions` body; throws a 400 HttpError. */
export function parseCompletionRequest(raw: unknown): CompletionRequest {
  const { body, common } = parseCommon(raw, "completion");
  let prompt = body.prompt;
  if (Array.isArray(prompt) && prompt.length === 1 && typeof prompt[0] === "string") prompt = prompt[0];
  if (typeof prompt !== "string") throw bad("prompt must be a string (token arrays and batches are not supported)");
  if (prompt === "") throw bad("prompt is empty");
  if (body.echo === true) throw bad("echo is not supported");
  if (typeof body.suffix === "string" && body.suffix !== "") throw bad("suffix is not supported");
  return { kind: "completion", messages: [], prompt, ...common };
}
