// The outbox's IndexedDB database (through `idb`): the items in the order they were made, and what was sent.
import { openDB, type DBSchema, type IDBPDatabase } from "idb";
import type { OutboxItem, SentRecord } from "./types";

export const OUTBOX_DB = "slate-outbox";
/** How long a sent item's record (its server id and version) is kept for the items that depend on it. */
export const SENT_KEEP_MS = 7 * 24 * 3600 * 1000;

export interface OutboxSchema extends DBSchema {
  /** Waiting, failed and conflicting writes; key `seq` (auto-increment): the order the person acted in. */
  items: { key: number; value: OutboxItem; indexes: { id: string } };
  /** Sent writes: item id → the server's id (for a temp id) and the version answered. */
  sent: { key: string; value: SentRecord; indexes: { tempId: number } };
}

export type OutboxDb = IDBPDatabase<OutboxSchema>;

/** Open (and create or upgrade) the outbox database. `name`: another database, for tests. */
export function openOutboxDb(name: string = OUTBOX_DB): Promise<OutboxDb> {
  return openDB<OutboxSchema>(name, 1, {
    upgrade(db) {
      const items = db.createObjectStore("items", { keyPath: "seq", autoIncrement: true });
      items.createIndex("id", "id", { unique: true });
      const sent = db.createObjectStore("sent", { keyPath: "id" });
      sent.createIndex("tempId", "tempId");
    },
  });
}

/** Every item, in order. */
export async function readItems(db: OutboxDb): Promise<OutboxItem[]> {
  return db.getAll("items");
}

export async function readSent(db: OutboxDb): Promise<SentRecord[]> {
  return db.getAll("sent");
}

/** Add an item at the end of the queue; returns it with its `seq`. */
export async function addItem(db: OutboxDb, item: OutboxItem): Promise<OutboxItem> {
  const seq = await db.add("items", item);
  return { ...item, seq };
}

/** Write an item's new state (it must have its `seq`). */
export async function putItem(db: OutboxDb, item: OutboxItem): Promise<void> {
  await db.put("items", item);
}

/** The item was answered: remove it and keep its record, in one transaction (both or neither). */
export async function completeItem(db: OutboxDb, item: OutboxItem, record: SentRecord | null): Promise<void> {
  const tx = db.transaction(["items", "sent"], "readwrite");
  await Promise.all([tx.objectStore("items").delete(item.seq as number), record ? tx.objectStore("sent").put(record) : undefined, tx.done]);
}

export async function deleteItems(db: OutboxDb, items: readonly OutboxItem[]): Promise<void> {
  const tx = db.transaction("items", "readwrite");
  await Promise.all([...items.map((i) => tx.store.delete(i.seq as number)), tx.done]);
}

/** Forget sent records older than SENT_KEEP_MS that no waiting item needs. */
export async function pruneSent(db: OutboxDb, now: number, needed: ReadonlySet<string>): Promise<void> {
  const tx = db.transaction("sent", "readwrite");
  for (const record of await tx.store.getAll()) {
    if (record.at < now - SENT_KEEP_MS && !needed.has(record.id)) await tx.store.delete(record.id);
  }
  await tx.done;
}
