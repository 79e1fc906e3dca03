/** The one line that closes a turn in the scrollback: what happened, the checkpoint, the speed. */
import type { SessionStatus } from "../../agent/events.js";
import { formatRate, plural } from "../format.js";
import type { LiveTurn, Tone } from "./types.js";

/** Text and tone of a finished turn's last line. */
export function outcomeLine(live: LiveTurn, status: SessionStatus): { text: string; tone: Tone } {
  const speed = live.outputTokens > 0 ? ` · ${live.outputTokens} tok at ${formatRate(live.decodeTps)} tok/s` : "";
  const added = live.applied.reduce((n, f) => n + f.added, 0);
  const removed = live.applied.reduce((n, f) => n + f.removed, 0);
  const checkpoint = live.checkpoints[live.checkpoints.length - 1];
  const applied =
    live.applied.length > 0 ? `applied ${plural(new Set(live.applied.map((f) => f.path)).size, "file")} (+${added} -${removed}) · checkpoint ${checkpoint ?? "?"} (/undo)` : "";
  if (live.cancelled || status === "interrupted") {
    return { text: `cancelled${applied ? ` after it ${applied}` : ""}${speed}`, tone: "warn" };
  }
  switch (status) {
    case "ok":
      return { text: `${applied || (live.ask ? "answered" : "done, no changes")}${speed}`, tone: "ok" };
    case "rejected":
      return { text: `not applied${speed}`, tone: "warn" };
    case "failed":
    case "error":
      return { text: `${live.error?.message ?? "failed"}${applied ? ` (${applied})` : ""}${speed}`, tone: "error" };
    default:
      return { text: `${status}${speed}`, tone: "plain" };
  }
}
