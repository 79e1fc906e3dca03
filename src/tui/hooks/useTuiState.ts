import { useSyncExternalStore } from "react";
import type { TuiState } from "../state/types.js";
import type { TuiStore } from "../store.js";

/** The store's state; re-renders at most once per frame while text streams. */
export function useTuiState(store: TuiStore): TuiState {
  return useSyncExternalStore(store.subscribe, store.getState, store.getState);
}
