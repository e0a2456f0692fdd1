// The tab's one socket, its connection status and who is here; events go to the cache via applyEvent.
import { useQueryClient } from "@tanstack/react-query";
import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { keys } from "../api/keys";
import type { Id } from "../api/types";
import { applyEvent, refetchNotCoveredByReads, refetchProduction } from "./dispatch";
import { startFor, setStreamFloor } from "./positions";
import type { PresenceEntry } from "./events";
import { RealtimeClient, type ConnectionStatus } from "./socket";

interface RealtimeState {
  client: RealtimeClient;
  status: ConnectionStatus;
  presence: Record<Id, PresenceEntry[]>;
}

const RealtimeContext = createContext<RealtimeState | null>(null);
/** The client alone: it never changes, so its users are not rendered again with each status or presence change. */
const RealtimeClientContext = createContext<RealtimeClient | null>(null);

declare global {
  interface Window { __slateRealtime?: RealtimeClient }
}

export function RealtimeProvider({ children }: { children: ReactNode }) {
  const qc = useQueryClient();
  const [status, setStatus] = useState<ConnectionStatus>("offline");
  const [presence, setPresence] = useState<Record<Id, PresenceEntry[]>>({});
  const client = useMemo(() => {
    const made: RealtimeClient = new RealtimeClient({
      onEvent(event) {
        if (event.type === "presence.changed") setPresence((old) => ({ ...old, [event.production]: event.data.members }));
        else applyEvent(qc, event);
      },
      onControl(frame) {
        // Joined from the first reads' position: the server replayed what came after them; what those reads do not
        // cover (data restored from the kept cache, the user's own notifications) is asked again. Otherwise —
        // subscribed with nothing replayed (the first time without such reads, or after a gap) or told to resync —
        // refetch so nothing slipped between fetch and socket.
        if (frame.type === "subscribed" && made.startedFromReads(frame.production)) refetchNotCoveredByReads(qc, frame.production);
        else if (frame.type === "resync" || (frame.type === "subscribed" && frame.replayed === 0)) refetchProduction(qc, frame.production);
      },
      onStatus: setStatus,
      // Signed out elsewhere (another device's "sign out everywhere", a changed password): asking who is signed in
      // again answers nobody, and the app shows the sign-in page.
      onSignedOut: () => void qc.invalidateQueries({ queryKey: keys.me }),
    }, undefined, startFor);
    return made;
  }, [qc]);

  useEffect(() => {
    client.start();
    setStreamFloor({ appliedSeq: (production) => client.lastEventSeq(production) });
    window.__slateRealtime = client;
    const online = () => client.resume();
    window.addEventListener("online", online);
    return () => { window.removeEventListener("online", online); client.stop(); setStreamFloor(null); };
  }, [client]);

  const value = useMemo(() => ({ client, status, presence }), [client, status, presence]);
  return (
    <RealtimeClientContext.Provider value={client}>
      <RealtimeContext.Provider value={value}>{children}</RealtimeContext.Provider>
    </RealtimeClientContext.Provider>
  );
}

export function useRealtime(): RealtimeState {
  const value = useContext(RealtimeContext);
  if (!value) throw new Error("useRealtime outside RealtimeProvider");
  return value;
}

/** The tab's realtime client, without its status or presence (which change during every start-up). */
export function useRealtimeClient(): RealtimeClient {
  const client = useContext(RealtimeClientContext);
  if (!client) throw new Error("useRealtimeClient outside RealtimeProvider");
  return client;
}

/** Subscribe to a production's stream while the component is mounted. */
export function useProductionStream(production: Id | undefined): void {
  const client = useRealtimeClient();
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
