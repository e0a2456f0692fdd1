// A menu whose machinery loads and mounts the first time it is opened. A Mantine Menu is a Popover: floating-ui's
// positioning, a focus trap and a portal, set up when it renders whether or not it ever opens. A board of 120 scene
// cards, each with its ⋮ menu, paid for 120 of them on its first render, and the shell and the board carried
// floating-ui in their first load (docs/performance.md, "Third pass"). Until first used, the button is a plain
// button; pressing it (click, Enter, Space) loads ./MenuNow (its own chunk, fetched when the browser is idle, and
// precached by the service worker for offline use), which mounts the real Menu and opens it with the focus where
// Mantine puts it (the item marked data-autofocus, or the first), and gives it back to the button on close.
import type { Menu, MenuProps } from "@mantine/core";
import { cloneElement, Suspense, useEffect, useState, type MouseEvent, type ReactElement, type ReactNode } from "react";
import { lazyComponent, LoadBoundary, preloadWhenIdle } from "../../lazy";

/** The button that opens the menu: a Mantine ActionIcon or Button element, its ref forwarded to the DOM button. */
export type MenuButton = ReactElement<{ onClick?: (event: MouseEvent<HTMLButtonElement>) => void }>;

/** What the menu shows, drawn with Mantine's Menu parts (`M.Item`, `M.Label`, `M.Divider`), handed in once loaded. */
export type MenuItems = (M: typeof Menu) => ReactNode;

export type MenuOnDemandProps = { button: MenuButton; items: MenuItems } & Omit<MenuProps, "children" | "opened" | "onChange" | "defaultOpened">;

export const MenuNow = lazyComponent(() => import("./MenuNow"), (m) => m.MenuNow);

/**
 * `[plain, used]` for a popup that mounts on first use: `plain`, the `button` element saying what it opens
 * (`aria-haspopup` = `opens`, `aria-expanded` false) and marking the popup used when pressed (its own onClick kept);
 * `used`, whether it has been pressed. Shared by MenuOnDemand and the notification bell.
 */
export function usePlainUntilPressed(button: MenuButton, opens: "menu" | "dialog"): [ReactElement, boolean] {
  const [used, setUsed] = useState(false);
  const plain = cloneElement(button, {
    "aria-haspopup": opens, "aria-expanded": false,
    onClick: (event: MouseEvent<HTMLButtonElement>) => { button.props.onClick?.(event); setUsed(true); },
  } as object);
  return [plain, used];
}

/** `children` (a popup's lazy part), with `plain` shown while its chunk loads and left in place when it cannot load. */
export function WhileLoading({ plain, children }: { plain: ReactNode; children: ReactNode }) {
  return (
    <LoadBoundary fallback={plain}>
      <Suspense fallback={plain}>{children}</Suspense>
    </LoadBoundary>
  );
}

/**
 * A Mantine Menu (the same props, but `items` for its dropdown's contents) that is a plain button until first opened.
 * The button says it opens a menu (`aria-haspopup="menu"`, `aria-expanded`) before and after. A chunk that cannot be
 * loaded (offline on an old build) leaves the plain button, which tries again when pressed.
 */
export function MenuOnDemand({ button, items, ...menu }: MenuOnDemandProps) {
  const [plain, used] = usePlainUntilPressed(button, "menu");
  useEffect(() => preloadWhenIdle(MenuNow), []);
  if (!used) return plain;
  return <WhileLoading plain={plain}><MenuNow button={button} items={items} menu={menu} /></WhileLoading>;
}
