/** How files and the tree appear in the prompt. The same shape the whole-file edit format uses. */

/** A fence longer than any backtick run that starts a line of `content`. */
export function fenceFor(content: string): string {
  let fence = "```";
  while (content.startsWith(fence) || content.includes(`\n${fence}`)) fence += "`";
  return fence;
}

/** Text before a file's content. */
export function blockHeader(file: string, fence: string): string {
  return `${file}\n${fence}\n`;
}

/** Text after a file's content (a newline is added when the content lacks a final one). */
export function blockFooter(content: string, fence: string): string {
  return content.length === 0 || content.endsWith("\n") ? `${fence}\n\n` : `\n${fence}\n\n`;
}

/** One file as the model reads it: path line, fence, content, fence. */
export function renderFileBlock(file: string, content: string): string {
  const fence = fenceFor(content);
  return blockHeader(file, fence) + content + blockFooter(content, fence);
}
