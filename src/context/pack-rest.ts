/**
 * The rest of the repository, for background warming: the files the ranking placed below what
 * the first answer got in full, each as a full-text block, best-ranked first. The blocks go right
 * after the first pack's text, in this order, so the prompt that includes the first k of them
 * starts with the prompt that included fewer: every warmed token stays a cached prefix.
 */
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { blobHash } from "./facts-cache.js";
import type { PackedContext } from "./pack.js";
import { renderFileBlock } from "./render.js";
import { estimateTokens } from "./tokens.js";

/** One file of the rest. */
export interface RestBlock {
  path: string;
  /** The file as the model reads it (path line, fence, content, fence). */
  text: string;
  /** Estimated tokens of `text`. */
  tokens: number;
  /** Blob id of the content shown. */
  hash: string;
}

/** The rest of the repository within a budget. */
export interface RestPack {
  /** Best-ranked first: the prompt order. */
  blocks: RestBlock[];
  /** Estimated tokens of all blocks. */
  tokens: number;
}

/**
 * The files of `now.ranking` not shown in full in `now`, best first, that fit `budget` estimated
 * tokens (a file too big for what is left is passed over). Unreadable files are left out.
 */
export function packRest(root: string, now: Pick<PackedContext, "files" | "ranking">, budget: number): RestPack {
  const shown = new Set(now.files.filter((f) => f.role !== "map").map((f) => f.path));
  const blocks: RestBlock[] = [];
  let tokens = 0;
  for (const r of now.ranking) {
    if (budget - tokens < 64) break;
    if (shown.has(r.path)) continue;
    let bytes: Buffer;
    try {
      // Cheap bound before reading: a block is a little longer than its content.
      if (statSync(path.join(root, r.path)).size / 4 > budget - tokens) continue;
      bytes = readFileSync(path.join(root, r.path));
    } catch {
      continue;
    }
    const text = renderFileBlock(r.path, bytes.toString("utf8").replace(/^\uFEFF/, ""));
    const t = estimateTokens(text);
    if (tokens + t > budget) continue;
    blocks.push({ path: r.path, text, tokens: t, hash: blobHash(bytes) });
    tokens += t;
  }
  return { blocks, tokens };
}

/** The text of the first `count` blocks (what follows the first pack's text). */
export function restText(blocks: readonly RestBlock[], count = blocks.length): string {
  return blocks
    .slice(0, count)
    .map((b) => b.text)
    .join("");
}
