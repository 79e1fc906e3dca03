import { RepoError, TaskError } from "../errors.js";

/** Why one edit could not be applied. */
export type EditFailureReason = "no-match" | "ambiguous" | "missing-file" | "file-exists" | "not-a-file" | "bad-edit" | "changed-on-disk";

/** One edit that did not apply: a line for the person and a detailed message for the model. */
export interface EditFailure {
  /** Repo-relative path the edit named. */
  path: string;
  /** 0-based position of the edit in the response. */
  index: number;
  reason: EditFailureReason;
  /** One line for the person. */
  message: string;
  /** What the model should read to fix its edit ("did you mean lines 40–52: …"). */
  modelMessage: string;
  /** 1-based inclusive line ranges where the SEARCH text matched (reason "ambiguous"). */
  candidates?: { startLine: number; endLine: number }[];
}

/** A reply whose edit blocks are malformed (unterminated block, missing path). Exit 1. */
export class EditParseError extends TaskError {
  readonly modelMessage: string;
  constructor(message: string, modelMessage: string = message) {
    super(message);
    this.modelMessage = modelMessage;
  }
}

/**
 * One or more edits of a response did not apply; nothing was written. Exit 1.
 * `message` is one line; `modelMessage` explains every failure so the agent can feed it back.
 */
export class EditApplyError extends TaskError {
  readonly failures: EditFailure[];
  readonly modelMessage: string;
  constructor(failures: EditFailure[]) {
    const first = failures[0];
    const more = failures.length > 1 ? ` (and ${failures.length - 1} more)` : "";
    super(first ? `${first.message}${more}` : "no edit applied");
    this.failures = failures;
    this.modelMessage = failures.map((f) => f.modelMessage).join("\n\n") + "\nNothing was changed; resend all edits of this reply, corrected.";
  }
}

/** Why an edit was refused outright. */
export type RefusalReason = "outside-repo" | "git-dir" | "binary" | "not-allowed" | "bad-path" | "not-regular";

/** An edit Spark will not make (outside the repo, inside .git/, a binary file, a FIFO). Exit 4. */
export class EditRefusedError extends RepoError {
  readonly path: string;
  readonly reason: RefusalReason;
  readonly modelMessage: string;
  constructor(path: string, reason: RefusalReason, message: string, modelMessage: string = message) {
    super(message);
    this.path = path;
    this.reason = reason;
    this.modelMessage = modelMessage;
  }
}

/** Any error from this module that carries a message for the model. */
export type EditError = EditParseError | EditApplyError | EditRefusedError;

/** True for the typed errors of `src/edits`. */
export function isEditError(err: unknown): err is EditError {
  return err instanceof EditParseError || err instanceof EditApplyError || err instanceof EditRefusedError;
}
