// The notification bell's popover (NotificationBell.tsx), in a chunk of its own: mounted, open, on the bell's first press.
import { Box, Popover } from "@mantine/core";
import { useMergedRef } from "@mantine/hooks";
import { cloneElement, type ReactElement, type ReactNode, type Ref } from "react";
import type { Notification } from "../../api/notifications";
import { useOpenedOnMount } from "../menus/useOpenedOnMount";
import { NotificationList } from "./NotificationList";

/**
 * The bell (`bell`, an ActionIcon element) as the target of a popover with the newest notifications, opened as it
 * mounts. The bell says it opens a dialog, whether it is open, and which one (aria-haspopup, -expanded, -controls,
 * from Mantine's withRoles); focus goes into the list when it opens and back to the bell after. `onOpen`: a
 * notification chosen (the popover closes first).
 */
export function BellPopover({ bell, count, unread, onOpen }: {
  bell: ReactElement; count: ReactNode; unread: number; onOpen: (n: Notification) => void;
}) {
  const [opened, setOpened, target] = useOpenedOnMount<HTMLButtonElement>();
  const ref = useMergedRef(target, (bell.props as { ref?: Ref<HTMLButtonElement> }).ref);
  return (
    <Popover opened={opened} onChange={setOpened} position="bottom-end" width="min(400px, calc(100vw - 16px))" shadow="md" withinPortal
      trapFocus returnFocus offset={6}>
      <Box pos="relative" style={{ display: "inline-flex" }}>
        <Popover.Target>
          {cloneElement(bell as ReactElement<{ ref?: Ref<HTMLButtonElement>; onClick?: () => void }>, { ref, onClick: () => setOpened(!opened) })}
        </Popover.Target>
        {count}
      </Box>
      <Popover.Dropdown p={0} aria-label="Notifications">
        {opened && <NotificationList onOpen={(n) => { setOpened(false); onOpen(n); }} onClose={() => setOpened(false)} unread={unread} />}
      </Popover.Dropdown>
    </Popover>
  );
}
