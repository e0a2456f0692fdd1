// Queries of the schedule and call-sheet screens, on the cache keys the realtime dispatch keeps fresh.
import { useQuery } from "@tanstack/react-query";
import { api, apiAll } from "../../api/client";
import { keys } from "../../api/keys";
import type { CallSheet, CallSheetRecipient, CallSheetRevision, Dood, ShootDay, Strip } from "../../api/schedule";
import type { Id, Role } from "../../api/types";

/** Roles that may change the schedule and edit/publish call sheets (apps/callsheets/permissions.py). */
export const SCHEDULING_ROLES: readonly Role[] = ["owner", "producer", "assistant_director"];
export const canSchedule = (role: Role | null | undefined): boolean => role != null && SCHEDULING_ROLES.includes(role);

export const useShootDays = (p: Id) => useQuery({ queryKey: keys.shootDays(p), queryFn: () => apiAll<ShootDay>(`/api/shoot-days/?production=${p}`) });
export const useStrips = (p: Id) => useQuery({ queryKey: keys.strips(p), queryFn: () => apiAll<Strip>(`/api/strips/?production=${p}`) });
export const useDood = (p: Id) => useQuery({ queryKey: keys.dood(p), queryFn: () => api<Dood>(`/api/productions/${p}/dood/`) });
export const useCallSheets = (p: Id) => useQuery({ queryKey: keys.callSheets(p), queryFn: () => apiAll<CallSheet>(`/api/call-sheets/?production=${p}`) });
export const useCallSheet = (id: Id) => useQuery({ queryKey: keys.callSheet(id), queryFn: () => api<CallSheet>(`/api/call-sheets/${id}/`) });
export const useCallSheetRevisions = (id: Id) => useQuery({ queryKey: keys.callSheetRevisions(id), queryFn: () => listOf<CallSheetRevision>(`/api/call-sheets/${id}/revisions/`) });
export const useCallSheetRecipients = (id: Id, enabled = true) => useQuery({
  queryKey: keys.callSheetRecipients(id), enabled, queryFn: () => listOf<CallSheetRecipient>(`/api/call-sheets/${id}/recipients/`),
});

/** A list action answers either a plain array or a page (`{results}`): accept both. */
async function listOf<T>(path: string): Promise<T[]> {
  const body = await api<T[] | { results: T[] }>(path);
  return Array.isArray(body) ? body : body.results;
}
