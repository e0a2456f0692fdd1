// Small shared states of the offline UI: the browser's online flag, whether the outbox panel is open, and the words
// for an item's state. (Whether the data shown came from the kept cache: src/pwa/restored.ts.)
import { useCallback, useSyncExternalStore } from "react";
import type { OutboxItem } from "./types";

/** navigator.onLine, re-rendered on the online and offline events. */
export function useBrowserOnline(): boolean {
  const subscribe = useCallback((changed: () => void) => {
    window.addEventListener("online", changed);
    window.addEventListener("offline", changed);
    return () => { window.removeEventListener("online", changed); window.removeEventListener("offline", changed); };
  }, []);
  return useSyncExternalStore(subscribe, () => navigator.onLine !== false);
}

let panelOpen = false;
const panelListeners = new Set<() => void>();
/** Open or close the outbox panel (the header's button and the offline banner both open it). */
export function setOutboxPanel(open: boolean): void {
  panelOpen = open;
  for (const listener of panelListeners) listener();
}
export function useOutboxPanel(): boolean {
  return useSyncExternalStore((l) => { panelListeners.add(l); return () => { panelListeners.delete(l); }; }, () => panelOpen);
}

/** "4 changes waiting" */
export function waitingText(count: number): string {
  return `${count} change${count === 1 ? "" : "s"} waiting`;
}

/** An item's state in words, for its badge: waiting, sending, not saved, conflict. */
export const STATE_LABEL: Record<OutboxItem["state"], string> = { waiting: "Waiting", sending: "Sending", failed: "Not saved", conflict: "Conflict" };
/** Badge colours with enough contrast in both themes (light variant, WCAG AA checked by the browser test's axe run). */
export const STATE_COLOR: Record<OutboxItem["state"], string> = { waiting: "gray", sending: "blue", failed: "red", conflict: "orange" };

export function clockTime(ms: number): string {
  return new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}
