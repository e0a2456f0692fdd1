// The bell in every header: unread count (live), the newest notifications, a toast for each new one.
import { ActionIcon, Badge, Box, Popover, Tooltip } from "@mantine/core";
import { notifications as toasts } from "@mantine/notifications";
import { IconBell } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { useNavigate } from "react-router-dom";
import { csrfToken } from "../../api/client";
import { refetchNotifications, useMarkRead, useUnreadCount, type Notification } from "../../api/notifications";
import { answerServiceWorker } from "../../push/push";
import { onNewNotification } from "../../realtime/dispatch";
import { useRealtime } from "../../realtime/RealtimeProvider";
import { NotificationList } from "./NotificationList";

/** Go to a notification's `url`: in the app when it is one of ours, else as a page load. */
function useOpenUrl() {
  const navigate = useNavigate();
  return (url: string) => {
    if (!url) return;
    const target = new URL(url, location.origin);
    if (target.origin === location.origin) navigate(target.pathname + target.search + target.hash);
    else location.assign(target.href);
  };
}

export function NotificationBell() {
  const [opened, setOpened] = useState(false);
  const unread = useUnreadCount().data ?? 0;
  const markRead = useMarkRead();
  const openUrl = useOpenUrl();
  useNotificationsLive(openUrl);

  function open(n: Notification) {
    if (n.read_at === null) markRead.mutate(n);
    setOpened(false);
    openUrl(n.url);
  }

  return (
    // The bell itself is the popover's target: it says it opens a dialog, whether it is open, and which one (aria-haspopup,
    // -expanded, -controls, from Mantine's withRoles). Focus goes into the list when it opens and back to the bell after.
    <Popover opened={opened} onChange={setOpened} position="bottom-end" width="min(400px, calc(100vw - 16px))" shadow="md" withinPortal
      trapFocus returnFocus offset={6}>
      <Box pos="relative" style={{ display: "inline-flex" }}>
        <Tooltip label={unread ? `${unread} unread` : "Notifications"} disabled={opened}>
          <Popover.Target>
            <ActionIcon variant="default" onClick={() => setOpened((o) => !o)} aria-label={unread ? `Notifications, ${unread} unread` : "Notifications"}
              data-testid="notification-bell" data-count={unread}>
              <IconBell size={20} />
            </ActionIcon>
          </Popover.Target>
        </Tooltip>
        {unread > 0 && (
          <Badge size="sm" color="red" variant="filled" pos="absolute" top={-6} right={-6} px={5} miw={20}
            style={{ pointerEvents: "none" }} aria-hidden data-testid="notification-count">
            {unread}
          </Badge>
        )}
      </Box>
      <Popover.Dropdown p={0} aria-label="Notifications">
        {opened && <NotificationList onOpen={open} onClose={() => setOpened(false)} unread={unread} />}
      </Popover.Dropdown>
    </Popover>
  );
}

/**
 * A toast for each notification that arrives, and a refetch of the list and count after the socket comes back
 * (`notification.*` events are sent once, to the sockets connected then: nothing is replayed).
 */
function useNotificationsLive(openUrl: (url: string) => void) {
  const qc = useQueryClient();
  const { status } = useRealtime();
  const wasLive = useRef<boolean | null>(null);
  const openRef = useRef(openUrl);
  useEffect(() => { openRef.current = openUrl; });

  useEffect(() => {
    if (status !== "live") { if (wasLive.current) wasLive.current = false; return; }
    if (wasLive.current === false) refetchNotifications(qc); // back after a drop
    wasLive.current = true;
  }, [status, qc]);

  useEffect(() => answerServiceWorker(csrfToken), []);

  useEffect(() => onNewNotification((n) => {
    toasts.show({
      id: `notification-${n.id}`,
      title: n.title,
      message: n.body ? `${n.production_title}: ${n.body}` : n.production_title,
      color: "yellow",
      autoClose: 8000,
      onClick: () => { if (n.url) { toasts.hide(`notification-${n.id}`); openRef.current(n.url); } },
      style: n.url ? { cursor: "pointer" } : undefined,
    });
  }), []);
}
