// Saving scene fields with the version they were based on: optimistic, 409 → conflict dialog, other errors → notification + revert.
import { notifications } from "@mantine/notifications";
import { useQueryClient } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { ApiError } from "../../api/client";
import { patch } from "../../api/hooks";
import { keys } from "../../api/keys";
import type { Id, Scene } from "../../api/types";
import { useConflict } from "../../components/ConflictDialog";

export type SceneChanges = Partial<Pick<Scene, "status" | "synopsis" | "location" | "time_of_day" | "int_ext" | "page_eighths" | "needs_review" | "assignees">>;

export interface SceneSaver {
  /** PATCH `changes` based on `base.version`; resolves true when saved (or when the user chose in a conflict dialog later). */
  save: (base: Scene, changes: SceneChanges, options?: { onResolved?: (saved: Scene, kept: boolean) => void }) => Promise<boolean>;
  /** Scene ids with a save in flight (a second change waits: it would be based on the same version). */
  saving: ReadonlySet<Id>;
  dialog: ReactNode;
}

function apply(qc: ReturnType<typeof useQueryClient>, scene: Scene, next: (s: Scene) => Scene): void {
  qc.setQueryData<Scene[]>(keys.scenes(scene.production), (old) => old?.map((s) => (s.id === scene.id ? next(s) : s)));
  qc.setQueryData<Scene>(keys.scene(scene.id), (old) => (old ? next(old) : old));
}

/** A saved (or the other person's) scene into both caches, unless the cache already holds a newer one. */
export function storeScene(qc: ReturnType<typeof useQueryClient>, scene: Scene): void {
  apply(qc, scene, (old) => (old.version > scene.version ? old : scene));
}

export function useSceneSave(): SceneSaver {
  const qc = useQueryClient();
  const conflict = useConflict<Scene>("scene");
  const [saving, setSaving] = useState<ReadonlySet<Id>>(new Set());

  async function save(base: Scene, changes: SceneChanges, options: { onResolved?: (saved: Scene, kept: boolean) => void } = {}): Promise<boolean> {
    const previous = Object.fromEntries(Object.keys(changes).map((k) => [k, base[k as keyof Scene]])) as SceneChanges;
    // Optimistic: show the change at once, on the version it is based on.
    apply(qc, base, (s) => (s.version === base.version ? { ...s, ...changes } : s));
    setSaving((old) => new Set(old).add(base.id));
    try {
      const saved = await patch<Scene>(`/api/scenes/${base.id}/`, { ...changes, version: base.version });
      storeScene(qc, saved);
      options.onResolved?.(saved, true);
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.status === 409 && error.extra.current) {
        const theirs = error.extra.current as Scene;
        storeScene(qc, theirs); // the truth, while the user decides
        conflict.handle(error, changes, {
          keepMine: (current) => { void save(current, changes, options); },
          takeTheirs: (current) => { storeScene(qc, current); options.onResolved?.(current, false); },
        });
        return false;
      }
      // Revert only what this save changed, and only if nothing newer arrived meanwhile.
      apply(qc, base, (s) => (s.version === base.version ? { ...s, ...previous } : s));
      notifications.show({
        color: "red",
        title: `Scene ${base.number} was not saved`,
        message: error instanceof ApiError ? error.message : "The server could not be reached. Try again.",
      });
      return false;
    } finally {
      setSaving((old) => { const next = new Set(old); next.delete(base.id); return next; });
    }
  }

  return { save, saving, dialog: conflict.dialog };
}
