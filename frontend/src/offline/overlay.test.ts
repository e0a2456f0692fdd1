import { describe, expect, it } from "vitest";
import { keys } from "../api/keys";
import type { ContinuityNote } from "../api/types";
import { overlayList } from "./overlay";
import type { OutboxItem } from "./types";

const server = (id: number, body: string, version = 1) =>
  ({ id, production: 1, scene: 3, shot: null, take: null, category: "wardrobe", body, flagged: false, author: 7, author_name: "Ana",
    photos: [], version, created_at: "2026-12-02T10:00:00Z", updated_at: "2026-12-02T10:00:00Z" }) satisfies ContinuityNote;

function item(overrides: Partial<OutboxItem>): OutboxItem {
  return {
    id: "i1", key: "i1", user: 7, production: 1, kind: "note.update", entity: "continuity_note", method: "PATCH", path: "/api/continuity-notes/1/",
    body: {}, target: null, tempId: null, base: null, photo: null, state: "waiting", error: null, theirs: null, attempts: 0, createdAt: 0,
    label: "", ...overrides,
  };
}

const listKey = keys.notes(3);

describe("overlayList", () => {
  it("answers the list itself when nothing waiting touches it, so what is memoised on it stays", () => {
    const list = [server(1, "Coat on"), server(2, "Hat on")];
    const elsewhere = item({ id: "u", target: 9, body: { flagged: true, version: 1 } }); // another note
    const otherEntity = item({ id: "t", entity: "take", target: 1, body: { notes: "NG", version: 1 } });
    expect(overlayList(list, [elsewhere, otherEntity], "continuity_note", listKey, new Map())).toBe(list);
    expect(overlayList(list, [item({ id: "v", target: 1, body: { flagged: true, version: 1 } })], "continuity_note", listKey, new Map()))
      .not.toBe(list);
  });

  it("adds a pending create to its list and applies pending updates, marked with their state", () => {
    const create = item({ id: "c", kind: "note.create", method: "POST", tempId: -5e12, listKey, body: { scene: 3, body: "Hat on", category: "wardrobe" },
      optimistic: { ...server(0, "Hat on"), id: -5e12, version: 0 } });
    const update = item({ id: "u", target: 1, body: { flagged: true, version: 1 }, state: "failed" });
    const shown = overlayList([server(1, "Coat on")], [create, update], "continuity_note", listKey, new Map());
    expect(shown?.map((n) => [n.id, n.body, n.flagged, n._outbox?.state, n._outbox?.creating])).toEqual([
      [1, "Coat on", true, "failed", false], [-5e12, "Hat on", false, "waiting", true]]);
    expect(shown?.[0]?.version).toBe(1); // the body's version is what the change is based on, not the object's
  });

  it("does not show a create twice when the live event brought the server's object before the answer", () => {
    const create = item({ id: "c", kind: "note.create", method: "POST", tempId: -5e12, listKey, state: "sending",
      body: { scene: 3, body: "Hat on", category: "wardrobe" }, optimistic: { ...server(0, "Hat on"), id: -5e12 } });
    const shown = overlayList([server(1, "Coat on"), server(2, "Hat on")], [create], "continuity_note", listKey, new Map());
    expect(shown?.map((n) => n.id)).toEqual([1, 2]);
  });

  it("applies an edit of an object made offline to the server's object once its id is known", () => {
    const update = item({ id: "u", kind: "note.update", target: -5e12, body: { body: "Hat off", version: 0 } });
    const shown = overlayList([server(2, "Hat on")], [update], "continuity_note", listKey, new Map([[-5e12, 2]]));
    expect(shown?.map((n) => [n.id, n.body, n._outbox?.state])).toEqual([[2, "Hat off", "waiting"]]);
  });
});
