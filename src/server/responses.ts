/** OpenAI response objects (chat.completion, chat.completion.chunk, text_completion) and `usage`. */
import { randomBytes } from "node:crypto";
import type { GenerationStats } from "../inference/index.js";

export type FinishReason = "stop" | "length";

/** OpenAI `usage`, with cached prompt tokens and Predicted Outputs' accepted/rejected counts. */
export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
  completion_tokens_details: { reasoning_tokens: number; accepted_prediction_tokens: number; rejected_prediction_tokens: number };
}

/**
 * llama-server's `timings` (same field names, so a client reads Spark and llama-server alike);
 * drafts are counted whether they came from a prediction or from the prompt.
 */
export interface Timings {
  prompt_n: number;
  cache_n: number;
  prompt_ms: number;
  prompt_per_second: number;
  predicted_n: number;
  predicted_per_second: number;
  draft_n: number;
  draft_n_accepted: number;
}

/**
 * Usage as OpenAI reports it: prediction counts only when the request had a prediction (drafts
 * then came from it); rejected = drafted tokens the model did not keep.
 */
export function usageOf(stats: GenerationStats, predicted: boolean): Usage {
  return {
    prompt_tokens: stats.promptTokens,
    completion_tokens: stats.outputTokens,
    total_tokens: stats.promptTokens + stats.outputTokens,
    prompt_tokens_details: { cached_tokens: stats.cachedTokens },
    completion_tokens_details: {
      reasoning_tokens: 0,
      accepted_prediction_tokens: predicted ? stats.draftAccepted : 0,
      rejected_prediction_tokens: predicted ? stats.draftProposed - stats.draftAccepted : 0,
    },
  };
}

export function timingsOf(stats: GenerationStats): Timings {
  return {
    prompt_n: stats.promptTokens - stats.cachedTokens,
    cache_n: stats.cachedTokens,
    prompt_ms: stats.ttftMs,
    prompt_per_second: stats.prefillTps,
    predicted_n: stats.outputTokens,
    predicted_per_second: stats.decodeTps,
    draft_n: stats.draftProposed,
    draft_n_accepted: stats.draftAccepted,
  };
}

/** Identity shared by every object of one response. */
export interface ResponseHead {
  id: string;
  created: number;
  model: string;
}

export function responseHead(kind: "chat" | "completion", model: string): ResponseHead {
  return { id: `${kind === "chat" ? "chatcmpl" : "cmpl"}-${randomBytes(12).toString("hex")}`, created: Math.floor(Date.now() / 1000), model };
}

export function chatCompletion(head: ResponseHead, text: string, finish: FinishReason, usage: Usage, timings: Timings): object {
  return {
    ...head,
    object: "chat.completion",
    choices: [{ index: 0, message: { role: "assistant", content: text, refusal: null }, logprobs: null, finish_reason: finish }],
    usage,
    timings,
  };
}

/** A streamed chat chunk; `usage: null` on every chunk when usage was asked for, as OpenAI does. */
export function chatChunk(head: ResponseHead, delta: { role?: "assistant"; content?: string }, finish: FinishReason | null, withUsage: boolean, timings?: Timings): object {
  return {
    ...head,
    object: "chat.completion.chunk",
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...(withUsage ? { usage: null } : {}),
    ...(timings ? { timings } : {}),
  };
}

export function chatUsageChunk(head: ResponseHead, usage: Usage): object {
  return { ...head, object: "chat.completion.chunk", choices: [], usage };
}

export function textCompletion(head: ResponseHead, text: string, finish: FinishReason, usage: Usage, timings: Timings): object {
  return { ...head, object: "text_completion", choices: [{ index: 0, text, logprobs: null, finish_reason: finish }], usage, timings };
}

export function textChunk(head: ResponseHead, text: string, finish: FinishReason | null, withUsage: boolean, timings?: Timings): object {
  return {
    ...head,
    object: "text_completion",
    choices: [{ index: 0, text, logprobs: null, finish_reason: finish }],
    ...(withUsage ? { usage: null } : {}),
    ...(timings ? { timings } : {}),
  };
}

export function textUsageChunk(head: ResponseHead, usage: Usage): object {
  return { ...head, object: "text_completion", choices: [], usage };
}
