// The Mantine Menu behind MenuOnDemand, in a chunk of its own (with Popover and floating-ui): mounted on first use.
import { Menu, type MenuProps } from "@mantine/core";
import { useMergedRef } from "@mantine/hooks";
import { cloneElement, useEffect, useRef, useState, type ReactElement, type Ref } from "react";
import type { MenuButton, MenuItems } from "./MenuOnDemand";

/**
 * The real menu, opened as it mounts: the button (a new element where the plain one was) takes the focus first, so
 * Mantine's focus return records it and gives the focus back to it when the menu closes; then the menu opens and its
 * focus trap moves into the items.
 */
export function MenuNow({ button, items, menu }: { button: MenuButton; items: MenuItems; menu: Omit<MenuProps, "children"> }) {
  const [opened, setOpened] = useState(false);
  const target = useRef<HTMLButtonElement>(null);
  const ref = useMergedRef(target, (button.props as { ref?: Ref<HTMLButtonElement> }).ref);
  useEffect(() => {
    target.current?.focus();
    setOpened(true);
  }, []);
  return (
    <Menu {...menu} opened={opened} onChange={setOpened}>
      <Menu.Target>{cloneElement(button as ReactElement<{ ref?: Ref<HTMLButtonElement> }>, { ref })}</Menu.Target>
      <Menu.Dropdown>{items(Menu)}</Menu.Dropdown>
    </Menu>
  );
}
