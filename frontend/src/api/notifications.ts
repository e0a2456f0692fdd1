// The signed-in user's notifications (all productions), their unread count and preferences
// (apps/notifications). The realtime dispatch keeps the list and the count live.
import { useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { api, type ApiError } from "./client";
import { keys } from "./keys";
import type { Id, Iso, Page } from "./types";

export type NotificationKind = "mention" | "callsheet_published" | "callsheet_revised" | "scene_status" | "job_succeeded" | "job_failed";
export const NOTIFICATION_KINDS: { kind: NotificationKind; label: string; help: string }[] = [
  { kind: "mention", label: "Mentions", help: "Someone @mentions you in a comment or continuity note" },
  { kind: "callsheet_published", label: "Call sheet published", help: "A call sheet you are on is published" },
  { kind: "callsheet_revised", label: "Call sheet revised", help: "A published call sheet changes" },
  { kind: "scene_status", label: "Scene status", help: "A scene you are assigned to changes status" },
  { kind: "job_succeeded", label: "Job finished", help: "A job you started finishes" },
  { kind: "job_failed", label: "Job failed", help: "A job you started fails" },
];

export type Channel = "in_app" | "email" | "push";
export const CHANNELS: { channel: Channel; label: string }[] = [
  { channel: "in_app", label: "In app" },
  { channel: "email", label: "Email" },
  { channel: "push", label: "Push" },
];

/** One notification of the signed-in user; `read_at` null while unread. */
export interface Notification {
  id: Id; production: Id | null; production_title: string; kind: NotificationKind; title: string; body: string;
  /** Where it leads in the app, e.g. `/productions/3/call-sheets/12` ("" for nowhere). */
  url: string; entity: string; entity_id: Id | string | null; actor: { id: Id; name: string } | null; created_at: Iso; read_at: Iso | null;
}

export type ChannelPrefs = Record<Channel, boolean>;
/** Quiet hours: "HH:MM" 24-hour times in `timezone` (an IANA name); push waits until `end`. */
export interface QuietHours { enabled: boolean; start: string; end: string; timezone: string }
export interface NotificationPrefs { kinds: Record<NotificationKind, ChannelPrefs>; quiet_hours: QuietHours }

/** How many of the newest notifications the bell lists. */
export const BELL_PAGE_SIZE = 20;

export const useNotifications = () => useQuery({
  queryKey: keys.notifications,
  queryFn: async () => (await api<Page<Notification>>(`/api/notifications/?page_size=${BELL_PAGE_SIZE}`)).results,
});

export const useUnreadCount = () => useQuery({
  queryKey: keys.unreadCount,
  queryFn: async () => (await api<{ unread: number }>("/api/notifications/unread-count/")).unread,
});

/** Fetch the list and the count again (after a reconnect: `notification.*` events are not replayed). */
export function refetchNotifications(qc: QueryClient): void {
  void qc.invalidateQueries({ queryKey: keys.notifications });
  void qc.invalidateQueries({ queryKey: keys.unreadCount });
}

/** Put a (changed) notification into every cached notifications list. */
export function storeNotification(qc: QueryClient, n: Notification): void {
  qc.setQueriesData<Notification[]>({ queryKey: keys.notifications }, (old) => old?.map((x) => (x.id === n.id ? n : x)));
}

/** Mark one read: optimistic in the list and the count, then the server's row. */
export function useMarkRead() {
  const qc = useQueryClient();
  return useMutation<Notification, ApiError, Notification>({
    mutationFn: (n) => api<Notification>(`/api/notifications/${n.id}/read/`, { method: "POST" }),
    onMutate: (n) => {
      if (n.read_at) return;
      storeNotification(qc, { ...n, read_at: new Date().toISOString() });
      qc.setQueryData<number>(keys.unreadCount, (old) => (old === undefined ? old : Math.max(0, old - 1)));
    },
    onSuccess: (saved) => storeNotification(qc, saved),
    onSettled: () => { void qc.invalidateQueries({ queryKey: keys.unreadCount }); },
  });
}

/** Mark all read (optionally only one production's). */
export function useMarkAllRead() {
  const qc = useQueryClient();
  return useMutation<unknown, ApiError, Id | undefined>({
    mutationFn: (production) => api("/api/notifications/read-all/", { method: "POST", json: production === undefined ? {} : { production } }),
    onMutate: (production) => {
      const now = new Date().toISOString();
      qc.setQueriesData<Notification[]>({ queryKey: keys.notifications }, (old) =>
        old?.map((x) => (x.read_at || (production !== undefined && x.production !== production) ? x : { ...x, read_at: now })));
      if (production === undefined) qc.setQueryData<number>(keys.unreadCount, 0);
    },
    onSettled: () => refetchNotifications(qc),
  });
}

export const useNotificationPrefs = () => useQuery({
  queryKey: keys.notificationPrefs,
  queryFn: () => api<NotificationPrefs>("/api/notifications/preferences/"),
});

export function useSaveNotificationPrefs() {
  const qc = useQueryClient();
  return useMutation<NotificationPrefs, ApiError, NotificationPrefs>({
    mutationFn: (prefs) => api<NotificationPrefs>("/api/notifications/preferences/", { method: "PUT", json: prefs }),
    onSuccess: (saved) => qc.setQueryData(keys.notificationPrefs, saved),
  });
}

/** The browser's own IANA time zone ("Europe/Madrid"), the default for quiet hours. */
export function browserTimeZone(): string {
  try { return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC"; } catch { return "UTC"; }
}
