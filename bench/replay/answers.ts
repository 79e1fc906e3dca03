import { firstMessages } from "../../src/agent/prompt.js";
import { renderFileBlock } from "../../src/context/render.js";
import { formats, type FormatName } from "../../src/edits/index.js";
import { writeSearchReplace, writeUdiff, writeWhole } from "../edits-replay/writers.js";
import type { Commit } from "./commits.js";

/** The answer a model that makes exactly this commit writes, in `format`. */
export function answerText(commit: Commit, format: FormatName): string {
  const lead = `I'll update ${commit.path}.\n\n`;
  switch (format) {
    case "whole":
      return lead + formats.whole.render([writeWhole(commit.path, commit.after)]);
    case "search-replace":
      return lead + formats["search-replace"].render(writeSearchReplace(commit.path, commit.before, commit.after));
    case "udiff":
      return lead + formats.udiff.render([writeUdiff(commit.path, commit.before, commit.after)]);
  }
}

/** The chat messages Spark sends for this commit's task in `format` (the lean first turn). */
export function promptMessages(commit: Commit, format: FormatName): ReturnType<typeof firstMessages> {
  return firstMessages({ context: renderFileBlock(commit.path, commit.before), task: commit.message.split("\n")[0] ?? "", format });
}

/** The data-set options the replay and its simulation share. */
export const commitOptions = {
  limit: { type: "string", default: "40" },
  data: { type: "string" },
  model: { type: "string", default: "qwen05b-q8_0" },
  formats: { type: "string", default: "whole,search-replace,udiff" },
  "max-bytes": { type: "string", default: "5000" },
} as const;
