// Writes of the stripboard, optimistic: the cache changes at once, and goes back if the server says no (a 409 refetches).
import { notifications } from "@mantine/notifications";
import { useQueryClient } from "@tanstack/react-query";
import { useRef } from "react";
import { ApiError, api } from "../../api/client";
import { keys } from "../../api/keys";
import type { Strip, StripMove } from "../../api/schedule";
import type { Id, Scene } from "../../api/types";
import { insertStrip, moveStrip, removeStrip } from "./strips";

export interface StripActions {
  /**
   * Move a strip to `index` of `day` (`POST /api/strips/{id}/move/` with its version); `index` left out: the end of
   * the day (no position is sent, the server puts it last).
   */
  move: (strip: Strip, day: Id, index?: number) => void;
  /** Put a scene of the pool into `day` at `index` (`POST /api/strips/`); `index` undefined: the end of the day. */
  schedule: (scene: Scene, day: Id, index: number | undefined, castIds?: number[]) => void;
  /** Take a strip off the schedule: a scene goes back to the pool, a banner is gone (`DELETE`). */
  unschedule: (strip: Strip) => void;
  addBanner: (day: Id, text: string) => Promise<void>;
}

/** The `position` of a write body: left out for the end of the day (the server's default), as JSON has no Infinity. */
const at = (index: number | undefined) => (index === undefined ? {} : { position: index });

const isStrip = (x: unknown): x is Strip => typeof x === "object" && x !== null && "id" in x && "shoot_day" in x;

export function useStripActions(production: Id): StripActions {
  const qc = useQueryClient();
  const key = keys.strips(production);
  const tempId = useRef(-1);

  /** Apply `change` to the cached strips; returns how to undo it (back to the list as it was). */
  function optimistic(change: (strips: Strip[]) => Strip[]): () => void {
    void qc.cancelQueries({ queryKey: key });
    const before = qc.getQueryData<Strip[]>(key);
    qc.setQueryData<Strip[]>(key, (old) => (old ? change(old) : old));
    return () => qc.setQueryData<Strip[]>(key, before);
  }

  const store = (saved: unknown, replacing?: Id) => {
    if (!isStrip(saved)) return;
    qc.setQueryData<Strip[]>(key, (old) => {
      if (!old) return old;
      const rest = old.filter((s) => s.id !== saved.id && s.id !== replacing);
      return [...rest, saved];
    });
  };

  function failed(error: unknown, title: string, rollback: () => void) {
    if (error instanceof ApiError && error.status === 409) {
      notifications.show({ color: "yellow", title, message: "Someone else changed the schedule meanwhile; the board now shows theirs." });
    } else {
      rollback();
      notifications.show({ color: "red", title, message: error instanceof ApiError ? error.message : "The server could not be reached. Try again." });
    }
    // Either way the server's order is the truth: fetch it (after a 409 the rollback would only show a stale order).
    void qc.invalidateQueries({ queryKey: key });
    void qc.invalidateQueries({ queryKey: keys.shootDays(production) });
  }

  const label = (s: Strip) => (s.kind === "banner" ? `The banner “${s.text}”` : `Scene ${s.scene_number ?? ""}`);

  return {
    move(strip, day, index) {
      const rollback = optimistic((old) => moveStrip(old, strip.id, day, index ?? Infinity));
      api<unknown>(`/api/strips/${strip.id}/move/`, { method: "POST", json: { shoot_day: day, ...at(index), version: strip.version } satisfies StripMove })
        .then((saved) => store(saved))
        .catch((error: unknown) => failed(error, `${label(strip)} was not moved`, rollback));
    },
    schedule(scene, day, index, castIds = []) {
      const id = tempId.current--;
      const draft: Strip = {
        id, production, shoot_day: day, position: index ?? 0, kind: "scene", scene: scene.id, text: "", scene_number: scene.number, int_ext: scene.int_ext,
        time_of_day: scene.time_of_day, location: scene.location, page_eighths: scene.page_eighths, cast_ids: castIds, synopsis: scene.synopsis, version: 0,
      };
      const rollback = optimistic((old) => insertStrip(old, draft, index ?? Infinity));
      api<unknown>("/api/strips/", { method: "POST", json: { production, shoot_day: day, kind: "scene", scene: scene.id, ...at(index) } })
        .then((saved) => store(saved, id))
        .catch((error: unknown) => failed(error, `Scene ${scene.number} was not scheduled`, rollback));
    },
    unschedule(strip) {
      const rollback = optimistic((old) => removeStrip(old, strip.id));
      api<void>(`/api/strips/${strip.id}/`, { method: "DELETE" })
        .then(() => void qc.invalidateQueries({ queryKey: keys.shootDays(production) }))
        .catch((error: unknown) => failed(error, `${label(strip)} was not taken off the schedule`, rollback));
    },
    async addBanner(day, text) {
      const saved = await api<Strip>("/api/strips/", { method: "POST", json: { production, shoot_day: day, kind: "banner", text } });
      store(saved);
    },
  };
}
