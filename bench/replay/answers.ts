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
