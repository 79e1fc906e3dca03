import { render } from "ink-testing-library";
import { afterAll, describe, expect, it, vi } from "vitest";
import { DiffView } from "../../src/tui/components/DiffView.js";
import { LogEntryView } from "../../src/tui/components/LogEntryView.js";
import { themeFor } from "../../src/tui/theme.js";

// Colors are on for this file's renders (chalk decides when Ink is first imported).
const saved = vi.hoisted(() => {
  const before = process.env.FORCE_COLOR;
  process.env.FORCE_COLOR = "1";
  return before;
});
afterAll(() => {
  if (saved === undefined) delete process.env.FORCE_COLOR;
  else process.env.FORCE_COLOR = saved;
});

const DIFF = "--- a/a\n+++ b/a\n@@ -1 +1 @@\n-old\n+new\n";
const frame = (el: React.ReactElement): string => {
  const r = render(el);
  const out = r.lastFrame() ?? "";
  r.unmount();
  return out;
};
/** SGR foreground colors (30–37, 90–97); dim and bold are not colors. */
const COLOR = new RegExp(`${String.fromCharCode(27)}\\[(?:3[0-7]|9[0-7])m`);

describe("color and NO_COLOR", () => {
  it("colors added lines green and removed lines red", () => {
    const out = frame(<DiffView path="a" diff={DIFF} theme={themeFor({})} />);
    expect(out).toContain("\x1b[32m+new\x1b[39m");
    expect(out).toContain("\x1b[31m-old\x1b[39m");
    expect(out).toMatch(COLOR);
  });

  it("NO_COLOR: no color codes anywhere, the +/- and ✓/✗ still say it", () => {
    const theme = themeFor({ NO_COLOR: "1" });
    expect(theme.color).toBe(false);
    const diff = frame(<DiffView path="a" diff={DIFF} theme={theme} />);
    expect(diff).not.toMatch(COLOR);
    expect(diff).toContain("-old");
    expect(diff).toContain("+new");
    const notice = frame(<LogEntryView entry={{ id: 0, kind: "notice", text: "applied", tone: "ok" }} theme={theme} />);
    expect(notice).toBe("✓ applied");
    expect(themeFor({ NO_COLOR: "" }).color).toBe(true);
  });
});
