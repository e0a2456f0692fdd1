// The bell in every header: unread count (live), the newest notifications, a toast for each new one.
import { ActionIcon, Badge, Box } from "@mantine/core";
import { notifications as toasts } from "@mantine/notifications";
import { IconBell } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { useNavigate } from "react-router-dom";
import { csrfToken } from "../../api/client";
import { refetchNotifications, useMarkRead, useUnreadCount, type Notification } from "../../api/notifications";
import { answerServiceWorker } from "../../push/push";
import { onNewNotification } from "../../realtime/dispatch";
import { useRealtime } from "../../realtime/RealtimeProvider";
import { lazyComponent, preloadWhenIdle } from "../../lazy";
import { usePlainUntilPressed, WhileLoading } from "../menus/MenuOnDemand";

/** The bell's popover and its list (Mantine's Popover, floating-ui, the focus trap, ScrollArea): loaded on first use. */
const BellPopover = lazyComponent(() => import("./BellPopover"), (m) => m.BellPopover);

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
  const unread = useUnreadCount().data ?? 0;
  const markRead = useMarkRead();
  const openUrl = useOpenUrl();
  useNotificationsLive(openUrl);
  useEffect(() => preloadWhenIdle(BellPopover), []);

  function open(n: Notification) {
    if (n.read_at === null) markRead.mutate(n);
    openUrl(n.url);
  }

  const label = unread ? `Notifications, ${unread} unread` : "Notifications";
  const bell = (
    <ActionIcon variant="default" aria-label={label} title={unread ? `${unread} unread` : "Notifications"} data-testid="notification-bell" data-count={unread}>
      <IconBell size={20} />
    </ActionIcon>
  );
  const count = unread > 0 && (
    <Badge size="sm" color="red" variant="filled" pos="absolute" top={-6} right={-6} px={5} miw={20}
      style={{ pointerEvents: "none" }} aria-hidden data-testid="notification-count">
      {unread}
    </Badge>
  );
  // Until first pressed the bell is a plain button that says what it opens; then the popover (BellPopover) mounts open.
  const [plainBell, used] = usePlainUntilPressed(bell, "dialog");
  const plain = <Box pos="relative" style={{ display: "inline-flex" }}>{plainBell}{count}</Box>;
  if (!used) return plain;
  return <WhileLoading plain={plain}><BellPopover bell={bell} count={count} unread={unread} onOpen={open} /></WhileLoading>;
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
