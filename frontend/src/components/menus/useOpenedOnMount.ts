// A popup that mounts on first use (MenuOnDemand, the notification bell) opens as it mounts, with the focus right.
import { useEffect, useRef, useState, type RefObject } from "react";

/**
 * `[opened, setOpened, target]` for a Mantine Menu or Popover mounted by the press that opens it: put `target` on its
 * button (a new element where the plain one was, so the focus is not on it yet). Once mounted the button takes the
 * focus, then the popup opens: Mantine's focus return (use-focus-return, which records the focused element when
 * `opened` turns true) then gives the focus back to the button when it closes, and its focus trap moves into it.
 */
export function useOpenedOnMount<T extends HTMLElement>(): [boolean, (opened: boolean) => void, RefObject<T | null>] {
  const [opened, setOpened] = useState(false);
  const target = useRef<T>(null);
  useEffect(() => {
    target.current?.focus();
    setOpened(true);
  }, []);
  return [opened, setOpened, target];
}
