// The tab's one socket, its connection status and who is here; events go to the cache via applyEvent.
import { useQueryClient } from "@tanstack/react-query";
import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import type { Id } from "../api/types";
import { applyEvent, refetchProduction } from "./dispatch";
import type { PresenceEntry } from "./events";
import { RealtimeClient, type ConnectionStatus } from "./socket";

interface RealtimeState {
  client: RealtimeClient;
  status: ConnectionStatus;
  presence: Record<Id, PresenceEntry[]>;
}

const RealtimeContext = createContext<RealtimeState | null>(null);

declare global {
  interface Window { __slateRealtime?: RealtimeClient }
}

export function RealtimeProvider({ children }: { children: ReactNode }) {
  const qc = useQueryClient();
  const [status, setStatus] = useState<ConnectionStatus>("offline");
  const [presence, setPresence] = useState<Record<Id, PresenceEntry[]>>({});
  const client = useMemo(() => new RealtimeClient({
    onEvent(event) {
      if (event.type === "presence.changed") setPresence((old) => ({ ...old, [event.production]: event.data.members }));
      else applyEvent(qc, event);
    },
    onControl(frame) {
      // Subscribed (first time or after a gap) or told to resync: refetch so nothing slipped between fetch and socket.
      if (frame.type === "resync" || (frame.type === "subscribed" && frame.replayed === 0)) refetchProduction(qc, frame.production);
    },
    onStatus: setStatus,
  }), [qc]);

  useEffect(() => {
    client.start();
    window.__slateRealtime = client;
    const online = () => client.resume();
    window.addEventListener("online", online);
    return () => { window.removeEventListener("online", online); client.stop(); };
  }, [client]);

  const value = useMemo(() => ({ client, status, presence }), [client, status, presence]);
  return <RealtimeContext.Provider value={value}>{children}</RealtimeContext.Provider>;
}

export function useRealtime(): RealtimeState {
  const value = useContext(RealtimeContext);
  if (!value) throw new Error("useRealtime outside RealtimeProvider");
  return value;
}

/** Subscribe to a production's stream while the component is mounted. */
export function useProductionStream(production: Id | undefined): void {
  const { client } = useRealtime();
  useEffect(() => {
    if (production === undefined) return;
    client.subscribe(production);
    return () => client.unsubscribe(production);
  }, [client, production]);
}

/** Tell the others what this user is looking at (re-sent every minute, DESIGN's presence TTL is 5). */
export function usePresence(production: Id | undefined, where: Record<string, number | string | null> | null): void {
  const { client, status } = useRealtime();
  const whereKey = JSON.stringify(where);
  useEffect(() => {
    if (production === undefined || status !== "live") return;
    const send = () => client.presence(production, JSON.parse(whereKey) as Record<string, number | string | null> | null);
    send();
    const timer = setInterval(send, 60_000);
    return () => clearInterval(timer);
  }, [client, production, whereKey, status]);
}
