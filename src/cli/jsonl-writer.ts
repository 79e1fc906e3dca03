/**
 * `--json`: one agent event per line on stdout, fields in the contract's order
 * (docs/events.md). The switch is exhaustive: a new event type does not compile until it is here.
 */
import type { Writable } from "node:stream";
import { assertNever, type AgentEvent } from "../agent/events.js";

/** The JSON object of one event, with exactly the contract's fields. */
export function eventRecord(ev: AgentEvent): Record<string, unknown> {
  switch (ev.type) {
    case "session.start":
      return { type: ev.type, model: ev.model, backend: ev.backend, contextSize: ev.contextSize, cwd: ev.cwd };
    case "context.packed":
      return { type: ev.type, files: ev.files, tokens: ev.tokens, budget: ev.budget, cachedTokens: ev.cachedTokens, ...(ev.packed ? { packed: ev.packed } : {}) };
    case "model.delta":
      return { type: ev.type, text: ev.text };
    case "edit.proposed":
      return { type: ev.type, path: ev.path, format: ev.format, diff: ev.diff };
    case "checkpoint":
      return { type: ev.type, id: ev.id };
    case "edit.applied":
      return { type: ev.type, path: ev.path, added: ev.added, removed: ev.removed };
    case "edit.failed":
      return { type: ev.type, path: ev.path, reason: ev.reason };
    case "test.result":
      return { type: ev.type, command: ev.command, exitCode: ev.exitCode, output: ev.output };
    case "stats":
      return {
        type: ev.type,
        promptTokens: ev.promptTokens,
        cachedTokens: ev.cachedTokens,
        outputTokens: ev.outputTokens,
        ttftMs: ev.ttftMs,
        prefillTps: ev.prefillTps,
        decodeTps: ev.decodeTps,
        draftProposed: ev.draftProposed,
        draftAccepted: ev.draftAccepted,
      };
    case "error":
      return { type: ev.type, message: ev.message, code: ev.code };
    case "session.end":
      return { type: ev.type, status: ev.status, exitCode: ev.exitCode };
    default:
      return assertNever(ev);
  }
}

/** Writes events as JSON lines. */
export class JsonlWriter {
  constructor(private readonly out: Writable) {}

  write(ev: AgentEvent): void {
    this.out.write(`${JSON.stringify(eventRecord(ev))}\n`);
  }
}
