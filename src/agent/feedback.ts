/** What the model reads after a round that did not finish the task. Worded for the model. */

/** Most characters of test output fed back (the tail: failures are usually at the end). */
export const MAX_FEEDBACK_OUTPUT = 4000;

/** The tail of `text`, at most `max` characters, marked when cut. */
export function tail(text: string, max = MAX_FEEDBACK_OUTPUT): string {
  if (text.length <= max) return text;
  const cut = text.slice(text.length - max);
  const nl = cut.indexOf("\n");
  return `[… ${text.length - max} characters cut …]\n${nl >= 0 && nl < 200 ? cut.slice(nl + 1) : cut}`;
}

/** Edits that named files outside the scope the user gave. */
export function scopeFeedback(outside: readonly string[], scope: readonly string[]): string {
  return (
    `You may only edit ${scope.join(", ")} (the files the user named), but your reply edits ${outside.join(", ")}.\n` +
    "Nothing was changed; resend all edits of this reply, within those files."
  );
}

/** The test command failed after the edits were applied. */
export function testFeedback(command: string, exitCode: number, output: string): string {
  return (
    `I applied your edits and ran \`${command}\`; it failed with exit code ${exitCode}:\n` +
    "```\n" +
    `${tail(output).trimEnd()}\n` +
    "```\n" +
    "The files now contain your edits. Fix the cause and send the new edits."
  );
}

/** A reply whose blocks could not be parsed. */
export function parseFeedback(modelMessage: string): string {
  return `${modelMessage}\nNothing was changed; resend all edits of this reply, corrected.`;
}

/** The output of a command the person ran (`!CMD`) and chose to show the model. */
export function commandOutputNote(command: string, exitCode: number, output: string): string {
  return `I ran \`${command}\` in the repository; it exited with code ${exitCode}:\n` + "```\n" + `${tail(output).trimEnd()}\n` + "```\n";
}
