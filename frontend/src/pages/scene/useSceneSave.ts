// Saving scene fields with the version they were based on, through the offline outbox (offline/outbox.ts): the change
// is kept on the tablet and shows at once (the screens overlay it), is sent at once when online and in order when the
// network returns; a 409 becomes the outbox's conflict choice (keep mine, take theirs, merge the text).
import { notifications } from "@mantine/notifications";
import { useMemo, type ReactNode } from "react";
import type { Id, Scene } from "../../api/types";
import { getOutbox, useOutbox } from "../../offline/runtime";
import { sceneUpdate } from "../../offline/writes";

export type SceneChanges = Partial<Pick<Scene, "status" | "synopsis" | "location" | "time_of_day" | "int_ext" | "page_eighths" | "needs_review" | "assignees">>;

export interface SceneSaver {
  /** Keep `changes` (based on `base.version`) for sending; resolves true once they are kept on this device. */
  save: (base: Scene, changes: SceneChanges, options?: { onResolved?: (saved: Scene, kept: boolean) => void }) => Promise<boolean>;
  /** Scene ids with a change on its way to the server now. */
  saving: ReadonlySet<Id>;
  /** Nothing to render: conflicts are asked about by the outbox (offline/OutboxStatus.tsx). */
  dialog: ReactNode;
}

/** Keep `changes` to `base` in the outbox (SceneSaver.save): one function for every screen, so savers compare equal. */
async function save(base: Scene, changes: SceneChanges, options: { onResolved?: (saved: Scene, kept: boolean) => void } = {}): Promise<boolean> {
  try {
    await getOutbox().enqueue(sceneUpdate(base, changes));
    options.onResolved?.({ ...base, ...changes }, true);
    return true;
  } catch (error) {
    notifications.show({ color: "red", title: `Scene ${base.number} was not saved`,
      message: `This tablet could not keep the change (${error instanceof Error ? error.message : String(error)}). Try again.` });
    return false;
  }
}

/** The scene saver; the same object until the set of scenes being sent changes (the scene page's parts are memoised). */
export function useSceneSave(): SceneSaver {
  const { items } = useOutbox();
  // The same set until the scenes being sent change (the board's columns compare it by identity: memo).
  const sending = items.filter((i) => i.entity === "scene" && i.state === "sending").map((i) => i.target as Id).join(",");
  const saving = useMemo(() => new Set(sending ? sending.split(",").map(Number) : []), [sending]);
  return useMemo(() => ({ save, saving, dialog: null }), [saving]);
}
