// What the server answered an outbox item, into the TanStack Query cache at once (the live event that follows agrees,
// and the cache never takes an older version over a newer one: pages/scene/cache.ts, realtime/dispatch.ts `freshest`).
import type { QueryClient } from "@tanstack/react-query";
import { api } from "../api/client";
import { keys } from "../api/keys";
import type { CallSheetRecipient } from "../api/schedule";
import type { Comment, ContinuityNote, Scene, Take } from "../api/types";
import { putInList } from "../pages/scene/cache";
import type { OutboxItem, ResolvedItem } from "./types";

const newestFirst = (n: ContinuityNote) => -Date.parse(n.created_at);
const COMMENT_TARGETS = ["scene", "shot", "take", "continuity_note", "media_asset"] as const;

/** A scene into the board's list and its own query, unless the cache holds a newer version. */
export function putScene(qc: QueryClient, scene: Scene): void {
  putInList(qc, keys.scenes(scene.production), scene);
  qc.setQueryData<Scene>(keys.scene(scene.id), (old) => (old && old.version > scene.version ? old : scene));
}

/**
 * Put `data` — the answer to `item`, or the server's object the person chose in a conflict — where the screens read
 * it. A photo's answer names only the photo: its note is fetched again (the note lists its photos).
 */
export async function applyAnswer(qc: QueryClient, item: OutboxItem, data: unknown, resolved: ResolvedItem | null): Promise<void> {
  switch (item.kind) {
    case "note.create":
    case "note.update": {
      const note = data as ContinuityNote;
      putInList(qc, keys.notes(note.scene), note, newestFirst);
      return;
    }
    case "note.photo": {
      const noteId = resolved?.target ?? item.target;
      if (noteId == null || noteId < 0) return;
      const note = await api<ContinuityNote>(`/api/continuity-notes/${noteId}/`);
      putInList(qc, keys.notes(note.scene), note, newestFirst);
      return;
    }
    case "take.new":
    case "take.create":
    case "take.update": {
      const take = data as Take;
      putInList(qc, keys.takes(take.scene), take, (t) => t.number);
      return;
    }
    case "scene.update":
      putScene(qc, data as Scene);
      return;
    case "comment.create":
    case "comment.update": {
      const comment = data as Comment;
      const kind = COMMENT_TARGETS.find((k) => comment[k] != null);
      if (kind) putInList(qc, keys.comments({ kind, id: comment[kind] as number }), comment, (c) => c.created_at);
      return;
    }
    case "callsheet.confirm": {
      const row = data as CallSheetRecipient;
      qc.setQueryData<CallSheetRecipient[]>(keys.callSheetRecipients(row.call_sheet), (old) =>
        old ? (old.some((r) => r.id === row.id) ? old.map((r) => (r.id === row.id ? row : r)) : [...old, row]) : old);
      return;
    }
    default: {
      const never: never = item.kind;
      return never;
    }
  }
}
