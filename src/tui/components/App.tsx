import { Box, Static, Text, useInput } from "ink";
import { useMemo, type JSX } from "react";
import type { KeyInfo } from "../input/keymap.js";
import { useTerminalSize } from "../hooks/useTerminalSize.js";
import { useTuiState } from "../hooks/useTuiState.js";
import type { TuiStore } from "../store.js";
import type { Theme } from "../theme.js";
import { Completions } from "./Completions.js";
import { InitRepoPrompt } from "./InitRepoPrompt.js";
import { InputBox } from "./InputBox.js";
import { LiveTurnView } from "./LiveTurnView.js";
import { LogEntryView } from "./LogEntryView.js";
import { MentionMenu } from "./MentionMenu.js";
import { PickerView } from "./PickerView.js";
import { ProgressBar } from "./ProgressBar.js";
import { QuestionPrompt } from "./QuestionPrompt.js";
import { ShellView } from "./ShellView.js";
import { StatusBar } from "./StatusBar.js";

/** Props of `App`. */
export interface AppProps {
  store: TuiStore;
  /** Where key presses go (the controller). */
  onKey: (input: string, key: KeyInfo) => void;
  theme: Theme;
}

/** Short, so that it never wraps (a resize would leave the wrapped half behind). */
const PLACEHOLDER = "describe a change, or /help";

/** Lines the live area keeps for everything but streaming text (prompt, status, hints). */
const CHROME_ROWS = 8;

/**
 * The screen: finished output in `<Static>` (written once, scrolls away), then the live turn or
 * command, questions, pickers, progress, the prompt and the status bar.
 */
export function App({ store, onKey, theme }: AppProps): JSX.Element {
  const state = useTuiState(store);
  const { columns, rows } = useTerminalSize();
  useInput(onKey);
  // The last column stays empty: some terminals wrap when it is written.
  const width = Math.max(20, columns - 1);
  const liveRows = Math.max(3, Math.min(6, rows - CHROME_ROWS));
  // While text streams only the live turn changes: the same element objects let React skip the rest.
  const active = state.mode === "idle" || state.mode === "starting";
  const placeholder = active ? (state.status.mode === "ask" ? "ask a question, or /help" : PLACEHOLDER) : undefined;
  const input = useMemo(
    () => <InputBox editor={state.input} active={active} theme={theme} {...(placeholder !== undefined ? { placeholder } : {})} />,
    [state.input, active, theme, placeholder],
  );
  // A status bar that fills the line rewraps into more rows when the terminal narrows than Ink's
  // resize erases (it counts the frame's lines, not the rows a rewrapping terminal made of them),
  // leaving stale prompts behind; on a wide terminal a tenth of the width stays free.
  const statusWidth = width >= 80 ? Math.floor(width * 0.9) : width;
  const statusBar = useMemo(() => <StatusBar status={state.status} width={statusWidth} theme={theme} />, [state.status, statusWidth, theme]);
  const attached = state.attachments.map((a) => `\`${a.command}\``).join(", ");
  return (
    <>
      <Static key={state.epoch} items={state.log}>
        {(entry) => (
          <Box key={entry.id} width={width}>
            <LogEntryView entry={entry} theme={theme} />
          </Box>
        )}
      </Static>
      <Box flexDirection="column" width={width}>
        {state.live ? <LiveTurnView live={state.live} width={width} rows={liveRows} asking={state.question !== undefined} theme={theme} /> : null}
        {state.shell ? <ShellView shell={state.shell} width={width} rows={liveRows} theme={theme} /> : null}
        {state.question ? <QuestionPrompt question={state.question} theme={theme} /> : null}
        {state.picker ? <PickerView picker={state.picker} width={width} rows={Math.max(3, rows - CHROME_ROWS - 2)} theme={theme} /> : null}
        {state.mode === "init-repo" ? <InitRepoPrompt cwd={state.cwd} theme={theme} /> : null}
        {state.progress ? <ProgressBar progress={state.progress} width={width} theme={theme} /> : null}
        {state.hint !== undefined ? <Text dimColor>{state.hint}</Text> : null}
        {attached !== "" && state.hint === undefined ? <Text dimColor wrap="truncate-end">{`with your next message: the output of ${attached}`}</Text> : null}
        {state.mode !== "init-repo" ? (
          <Box marginTop={state.live || state.question || state.shell ? 0 : 1}>
            {input}
          </Box>
        ) : null}
        {state.mention ? <MentionMenu menu={state.mention} width={width} /> : null}
        {state.completions.length > 0 ? <Completions items={state.completions} width={width} /> : null}
        {statusBar}
      </Box>
    </>
  );
}
