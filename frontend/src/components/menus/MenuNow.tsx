// The Mantine Menu behind MenuOnDemand, in a chunk of its own (with Popover and floating-ui): mounted on first use.
import { Menu, type MenuProps } from "@mantine/core";
import { useMergedRef } from "@mantine/hooks";
import { cloneElement, type ReactElement, type Ref } from "react";
import type { MenuButton, MenuItems } from "./MenuOnDemand";
import { useOpenedOnMount } from "./useOpenedOnMount";

/** The real menu, opened as it mounts (`useOpenedOnMount`: the focus goes into it, and back to its button after). */
export function MenuNow({ button, items, menu }: { button: MenuButton; items: MenuItems; menu: Omit<MenuProps, "children"> }) {
  const [opened, setOpened, target] = useOpenedOnMount<HTMLButtonElement>();
  const ref = useMergedRef(target, (button.props as { ref?: Ref<HTMLButtonElement> }).ref);
  return (
    <Menu {...menu} opened={opened} onChange={setOpened}>
      <Menu.Target>{cloneElement(button as ReactElement<{ ref?: Ref<HTMLButtonElement> }>, { ref })}</Menu.Target>
      <Menu.Dropdown>{items(Menu)}</Menu.Dropdown>
    </Menu>
  );
}
