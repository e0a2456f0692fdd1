// The outbox's vocabulary: a write the person made (an item), its state, and what sending it can answer.
import type { Id } from "../api/types";

/** What an item does; decides where its answer goes in the cache (offline/kinds.ts). */
export type WriteKind =
  | "note.create" | "note.update" | "note.photo"
  | "take.new" | "take.create" | "take.update"
  | "scene.update"
  | "comment.create" | "comment.update"
  | "callsheet.confirm";

/** The kind of object an item creates or changes (the realtime event entity names). */
export type OutboxEntity = "continuity_note" | "continuity_photo" | "take" | "scene" | "comment" | "callsheet_recipient";

/**
 * waiting: not sent yet (no network, a back-off, or an earlier item it needs); sending: on its way; failed: the server
 * refused it (4xx) — it stays until the person fixes or discards it; conflict: someone else changed the object since
 * (409), the person chooses.
 */
export type ItemState = "waiting" | "sending" | "failed" | "conflict";

/** The server's refusal, as Slate's error body says it (`fields`: a message per field). */
export interface ItemError { status: number; code: string; message: string; fields: Record<string, string> }

/** A photo kept in IndexedDB until it is uploaded (tus); `uploadUrl` once the server made the upload, to resume it. */
export interface QueuedPhoto { blob: Blob; name: string; type: string; size: number; uploadUrl: string | null }

/** What a caller hands the outbox: one write, as it will be sent (ids of objects made offline are temp ids, < 0). */
export interface WriteDraft {
  kind: WriteKind;
  production: Id;
  /** In the person's words: "Continuity note: Jacket open…", "Take 4 of 12A: circled". */
  label: string;
  entity: OutboxEntity;
  method: "POST" | "PATCH";
  /** Under /api/; may hold temp ids as path segments. Photos: the note's path (the upload goes to /api/uploads/). */
  path: string;
  body: Record<string, unknown>;
  /** The object changed (updates, photos: the note), a temp id when it was made offline; null for creates. */
  target: Id | null;
  /** Creates: the query key of the cached list the new object shows in, and the object shown until the server's. */
  listKey?: readonly unknown[];
  optimistic?: Record<string, unknown>;
  /** Updates: the version the person saw; the server answers 409 when it has moved on. */
  version?: number;
  /** Updates: the changed fields' values when the person acted (what a merge starts from). */
  before?: Record<string, unknown>;
  photo?: { blob: Blob; name: string; type: string };
}

/** One write in the outbox (IndexedDB store `items`, in the order the person acted: `seq`). */
export interface OutboxItem extends Omit<WriteDraft, "photo" | "version"> {
  seq?: number;
  /** Client UUID made when the person acted. */
  id: string;
  /** The Idempotency-Key sent: `id` at first, a new UUID once the request changes (after a fix or a conflict choice). */
  key: string;
  user: Id;
  /** Creates: the id the object has until the server's comes back (negative: see tempIds.ts). */
  tempId: Id | null;
  /**
   * Updates: the version to send, or the answer of an earlier item on the same object (`after`, an item id).
   * A new take: `after` names the shot's previous new take in the outbox, whose answer's number it is logged after.
   */
  base: { version: number; after: string | null } | null;
  photo: QueuedPhoto | null;
  state: ItemState;
  /** Why it failed (failed, conflict), or why the last try did not get through (waiting). */
  error: ItemError | null;
  /** Conflict: the object as the server has it now. */
  theirs: Record<string, unknown> | null;
  attempts: number;
  /** When the person acted (ms since the epoch). */
  createdAt: number;
}

/**
 * An item that was sent: the server's id for its temp id, the version its answer had, and for a new take its number
 * (the next one-tap take of the shot is logged after it) (store `sent`).
 */
export interface SentRecord { id: string; tempId: Id | null; serverId: Id | string; version: number | null; number?: number | null; at: number }

/** What one try at sending an item came to. */
export type SendResult =
  | { outcome: "ok"; data: unknown }
  /** Not through (no network, the server down or busy): try again later. `retryAfterMs` from Retry-After. */
  | { outcome: "retry"; message: string; retryAfterMs?: number }
  /** The stored upload is gone on the server (expired): start the photo's upload again with a new key. */
  | { outcome: "restart"; message: string }
  | { outcome: "rejected"; error: ItemError }
  | { outcome: "conflict"; error: ItemError; theirs: Record<string, unknown> }
  /** Not signed in any more (401): everything waits until the person signs in again. */
  | { outcome: "signed-out"; error: ItemError };

/** An item ready to go: temp ids replaced by the server's, `version` in the body. */
export interface ResolvedItem { item: OutboxItem; path: string; body: Record<string, unknown>; target: Id | null }
