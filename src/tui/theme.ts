/**
 * Colors, or none: chalk (Ink's colorizer) ignores NO_COLOR, so components ask the theme for a
 * color and get undefined when color is off. Meaning never rides on color alone: diffs keep
 * their +/- and outcomes their ✓/✗.
 */
import type { Tone } from "./state/types.js";

/** Which colors the components use. */
export interface Theme {
  /** False under NO_COLOR. */
  color: boolean;
}

/** The theme for an environment: no color when NO_COLOR is set to anything non-empty. */
export function themeFor(env: NodeJS.ProcessEnv): Theme {
  return { color: !(env.NO_COLOR !== undefined && env.NO_COLOR !== "") };
}

const TONE_COLORS: Record<Tone, string | undefined> = {
  plain: undefined,
  ok: "green",
  warn: "yellow",
  error: "red",
  dim: "gray",
};

/** The Ink color for `tone`, or undefined without color. */
export function toneColor(theme: Theme, tone: Tone): string | undefined {
  return theme.color ? TONE_COLORS[tone] : undefined;
}

/** A named color when color is on. */
export function paint(theme: Theme, color: string): string | undefined {
  return theme.color ? color : undefined;
}

/** The glyph in front of a notice of `tone`. */
export function toneGlyph(tone: Tone): string {
  return tone === "ok" ? "✓ " : tone === "warn" ? "! " : tone === "error" ? "✗ " : "";
}
