/**
 * One generation round: stream the model's reply, parse it incrementally, and report each edit
 * the moment its block closes (a question's reply is streamed and never parsed). Nothing is
 * written here.
 */
import { EditParseError } from "../edits/errors.js";
import { recognizingParser, type Edit, type EditFormat, type EditParser } from "../edits/index.js";
import { emptyStats, type Backend, type ChatMessage, type GenerationStats } from "../inference/index.js";
import { asInterrupted, throwIfAborted } from "./abort.js";
import type { AgentEvent } from "./events.js";

/** Inputs of one round. */
export interface RoundInput {
  backend: Backend;
  messages: readonly ChatMessage[];
  /** How edits are parsed; undefined for a question, whose reply is never parsed. */
  format: EditFormat | undefined;
  maxTokens: number;
  /** GBNF the output must follow (local engine). Default none. */
  grammar?: string;
  /** Text the reply is expected to copy (the files being edited). Default: the prompt. */
  prediction?: string;
  signal?: AbortSignal;
  /** Turns a just-closed edit (with all edits so far, itself last) into events to show. */
  onEdit: (edit: Edit, soFar: readonly Edit[]) => Promise<AgentEvent[]>;
}

/** What the round produced. */
export interface RoundResult {
  /** The model's whole reply text. */
  reply: string;
  edits: Edit[];
  /** Set when the reply's blocks were malformed; `edits` then holds those parsed before it. */
  parseError?: EditParseError;
  stats: GenerationStats;
}

/** Streams one reply, yielding `model.delta`, per-edit events and `stats`. */
export async function* streamRound(input: RoundInput): AsyncGenerator<AgentEvent, RoundResult, undefined> {
  // Read as what it turns out to be: models answer in another format than the one asked now and then.
  const parser: EditParser | undefined = input.format ? recognizingParser(input.format) : undefined;
  const edits: Edit[] = [];
  let reply = "";
  let stats = emptyStats();
  let parseError: EditParseError | undefined;

  const feed = async function* (parse: () => ReturnType<EditParser["push"]>): AsyncGenerator<AgentEvent> {
    if (parseError !== undefined || parser === undefined) return;
    let events;
    try {
      events = parse();
    } catch (err) {
      if (!(err instanceof EditParseError)) throw err;
      parseError = err; // keep streaming for the transcript; the parser is spent
      return;
    }
    for (const ev of events) {
      if (ev.type !== "edit") continue;
      edits.push(ev.edit);
      yield* await input.onEdit(ev.edit, edits);
    }
  };

  try {
    const request = {
      messages: input.messages,
      maxTokens: input.maxTokens,
      signal: input.signal,
      ...(input.grammar !== undefined ? { grammar: input.grammar } : {}),
      ...(input.prediction !== undefined ? { prediction: input.prediction } : {}),
      ...(input.format !== undefined ? { editFormat: input.format.name } : {}),
    };
    for await (const chunk of input.backend.generate(request)) {
      if (chunk.type === "stats") {
        stats = chunk.stats;
        continue;
      }
      if (chunk.text.length === 0) continue;
      reply += chunk.text;
      yield { type: "model.delta", text: chunk.text };
      yield* feed(() => parser?.push(chunk.text) ?? []);
    }
  } catch (err) {
    throw asInterrupted(err, input.signal);
  }
  throwIfAborted(input.signal); // a backend that just stops early must not look like a finished reply
  yield* feed(() => parser?.end() ?? []);
  yield { type: "stats", ...stats };
  return parseError !== undefined ? { reply, edits, parseError, stats } : { reply, edits, stats };
}
