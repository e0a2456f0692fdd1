// Focus after a move: a card or strip that moved to another column or day is mounted anew there, so the control that had
// focus is gone and focus would fall to <body>. The screen asks for a control by key; the control takes focus when it shows.
import { useCallback, useEffect, useMemo, useState, type RefObject } from "react";

export interface FocusRequest {
  /** The key of the control that should take focus next, or null. */
  wanted: string | null;
  /** Ask for the control with `key` (the component that renders it calls `useTakeFocus`); null forgets the request. */
  request: (key: string | null) => void;
  /** The request was met (called by `useTakeFocus`). */
  done: () => void;
}

/**
 * One pending focus request of a screen. It is forgotten once met, or as soon as the user presses a key or a pointer
 * anywhere before it is (they have moved on, and focus must not jump later, e.g. when a failed change is rolled back).
 */
export function useFocusRequest(): FocusRequest {
  const [wanted, setWanted] = useState<string | null>(null);
  useEffect(() => {
    if (wanted === null) return;
    const forget = () => setWanted(null);
    document.addEventListener("keydown", forget, true);
    document.addEventListener("pointerdown", forget, true);
    return () => {
      document.removeEventListener("keydown", forget, true);
      document.removeEventListener("pointerdown", forget, true);
    };
  }, [wanted]);
  const done = useCallback(() => setWanted(null), []);
  // The same object until the request changes: memoised cards and strips that take it are not rendered again for nothing.
  return useMemo(() => ({ wanted, request: setWanted, done }), [wanted, done]);
}

/**
 * Focus `ref`'s element once `wanted` is true and the element is in the document and enabled, then call `done`.
 * Checked after every render of the calling component, so a control that is disabled for a moment takes focus when
 * it is enabled again.
 */
export function useTakeFocus(wanted: boolean, ref: RefObject<HTMLElement | null>, done: () => void): void {
  useEffect(() => {
    if (!wanted) return;
    const element = ref.current;
    if (!element || !element.isConnected || element.matches(":disabled")) return;
    element.focus();
    done();
  });
}
