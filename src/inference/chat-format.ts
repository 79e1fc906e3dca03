import { resolveChatWrapper, type ChatHistoryItem, type LlamaModel, type Token } from "node-llama-cpp";
import type { ChatMessage } from "./backend.js";


/** ChatML (Qwen2.5 and most coder models). Deterministic: the same messages give the same tokens. */
export function formatChatML(messages: readonly ChatMessage[]): string {
  let out = "";
  for (const m of messages) out += `<|im_start|>${m.role}\n${m.content}<|im_end|>\n`;
  return `${out}<|im_start|>assistant\n`;
}

/** Whether the model speaks ChatML (or has no template, in which case we use ChatML). */
export function usesChatML(model: LlamaModel): boolean {
  const template = model.fileInfo.metadata.tokenizer?.chat_template;
  return typeof template !== "string" || template.includes("<|im_start|>");
}

/** Prompt tokens for `messages`, ending where the assistant's answer begins. */
export function chatPromptTokens(model: LlamaModel, messages: readonly ChatMessage[]): Token[] {
  if (usesChatML(model)) return model.tokenize(formatChatML(messages), true);
  const wrapper = resolveChatWrapper(model);
  const history: ChatHistoryItem[] = messages.map((m) =>
    m.role === "assistant" ? { type: "model", response: [m.content] } : { type: m.role, text: m.content },
  );
  if (messages[messages.length - 1]?.role !== "assistant") history.push({ type: "model", response: [] });
  const { contextText } = wrapper.generateContextState({ chatHistory: history });
  return contextText.tokenize(model.tokenizer);
}

/**
 * Prompt tokens for `messages` with the last message left open: no end-of-message and no
 * assistant header, so a prompt whose message continues the text starts with these tokens. Works
 * for any template: the prompts of two different continuations agree exactly up to the open end
 * (a token the tokenizer would merge across the end is left out).
 */
export function openPromptTokens(model: LlamaModel, messages: readonly ChatMessage[]): Token[] {
  const last = messages[messages.length - 1];
  if (last === undefined) return [];
  const head = messages.slice(0, -1);
  const a = chatPromptTokens(model, [...head, { ...last, content: `${last.content}\u0001` }]);
  const b = chatPromptTokens(model, [...head, { ...last, content: `${last.content}\u0002` }]);
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return a.slice(0, n);
}
