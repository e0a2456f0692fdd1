// The tab's one outbox and its hooks: started by the production layout (useOutboxRuntime) with the signed-in person,
// the query cache (answers go there) and the realtime socket (a reconnect is a sign the network is back); the
// screens write through useOutbox().enqueue and show lists through useShown / useShownOne.
import { notifications } from "@mantine/notifications";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useSyncExternalStore } from "react";
import { useMe } from "../api/hooks";
import type { Id } from "../api/types";
import { useRealtime } from "../realtime/RealtimeProvider";
import { applyAnswer } from "./answers";
import { Outbox, type OutboxSnapshot } from "./outbox";
import { overlayList, overlayOne, pendingPhotos, type Shown } from "./overlay";
import type { OutboxEntity, OutboxItem } from "./types";

let outbox: Outbox | null = null;

/** The tab's outbox (made on first use). */
export function getOutbox(): Outbox {
  outbox ??= new Outbox();
  return outbox;
}

/** Use `box` as the tab's outbox from now on (component tests give it their own database and server). */
export function installOutbox(box: Outbox): void {
  outbox = box;
}

declare global {
  interface Window { __slateOutbox?: Outbox }
}

/** Words for an item the outbox stopped: shown once as a notification, and in the panel until the person decides. */
export function stoppedMessage(item: OutboxItem): { title: string; message: string } {
  if (item.state === "conflict") return { title: "Someone else changed it", message: `${item.label} — choose which version to keep.` };
  return { title: "Not saved", message: `${item.label}: ${item.error?.message ?? "the server refused it."} Fix it or discard it in the outbox.` };
}

/**
 * Run the outbox while the production screens are mounted: the person it sends for, answers into this cache,
 * refusals told once (a notification), and a try at once whenever the realtime socket is live again.
 */
export function useOutboxRuntime(): void {
  const qc = useQueryClient();
  const signedIn = useMe().data;
  const me = signedIn === undefined ? undefined : (signedIn?.id ?? null); // undefined: not known yet
  const { status } = useRealtime();
  const box = getOutbox();
  useEffect(() => {
    box.configure({
      onSent: (item, data, resolved) => applyAnswer(qc, item, data, resolved),
      // A conflict opens its choice at once (OutboxStatus); a refusal is told here, once.
      onStopped: (item) => { if (item.state !== "conflict") notifications.show({ color: "red", autoClose: 8000, ...stoppedMessage(item) }); },
    });
    window.__slateOutbox = box;
    return box.start();
  }, [box, qc]);
  useEffect(() => { if (me !== undefined) box.setUser(me); }, [box, me]);
  useEffect(() => { if (status === "live") box.kick(); }, [box, status]);
}

/** The outbox's state, re-rendered on every change. */
export function useOutbox(): OutboxSnapshot & { box: Outbox } {
  const box = getOutbox();
  const snapshot = useSyncExternalStore(box.subscribe, box.getSnapshot);
  return { ...snapshot, box };
}

/** A cached list with the outbox's pending writes on it (see overlay.ts). */
export function useShown<T extends { id: Id }>(entity: OutboxEntity, listKey: readonly unknown[], list: readonly T[] | undefined,
  sortKey?: (t: T) => number | string): Shown<T>[] | undefined {
  const { items, ids } = useOutbox();
  const key = JSON.stringify(listKey);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- listKey by value; sortKey is a pure function of its argument
  return useMemo(() => overlayList(list, items, entity, JSON.parse(key) as unknown[], ids, sortKey), [list, items, entity, key, ids]);
}

/** One cached object with its pending updates. */
export function useShownOne<T extends { id: Id }>(entity: OutboxEntity, object: T | undefined): Shown<T> | undefined {
  const { items } = useOutbox();
  return useMemo(() => overlayOne(object, items, entity), [object, items, entity]);
}

/** Photos waiting to be uploaded for a note. */
export function usePendingPhotos(note: Id): OutboxItem[] {
  const { items, ids } = useOutbox();
  return useMemo(() => pendingPhotos(items, note, ids), [items, note, ids]);
}

/**
 * A React key per object that stays the same when the server's id replaces the temp id of an object made offline
 * (its component, and what is being typed in it, stays): the temp id for those, the id for the others.
 */
export function useStableKey(): (id: Id) => Id {
  const { ids } = useOutbox();
  return useMemo(() => {
    const temps = new Map([...ids].map(([temp, server]) => [server, temp]));
    return (id: Id) => (temps.get(id) as Id | undefined) ?? id;
  }, [ids]);
}

/** The server's id of an object made offline once it was sent (else the id given). */
export function useServerId(id: Id | null): Id | null {
  const { ids } = useOutbox();
  return id != null && id < 0 ? ((ids.get(id) as Id | undefined) ?? id) : id;
}
