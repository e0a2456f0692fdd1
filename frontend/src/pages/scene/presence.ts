// "Also here": the other people whose presence says they are looking at this scene.
import type { Id } from "../../api/types";
import type { PresenceEntry } from "../../realtime/events";

export interface Person { id: Id; name: string; initials: string }

export const initials = (name: string) => name.split(/\s+/).filter(Boolean).map((w) => w[0] ?? "").join("").slice(0, 2).toUpperCase() || "?";

/** One entry per other user (several tabs of one person count once; the viewer is left out), in name order. */
export function othersHere(entries: PresenceEntry[] | undefined, sceneId: Id, me: Id | undefined): Person[] {
  const people = new Map<Id, Person>();
  for (const entry of entries ?? []) {
    const where = entry.where?.scene;
    if (!entry.user || where == null || String(where) !== String(sceneId) || entry.user.id === me) continue;
    people.set(entry.user.id, { id: entry.user.id, name: entry.user.name, initials: initials(entry.user.name) });
  }
  return [...people.values()].sort((a, b) => a.name.localeCompare(b.name));
}
