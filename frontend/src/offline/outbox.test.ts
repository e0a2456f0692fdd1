// The outbox on a real IndexedDB implementation (fake-indexeddb): order, back-off, a restart, temp ids, 409s and 4xx.
import "fake-indexeddb/auto";
// Node's own Blob (fake-indexeddb's structured clone cannot keep jsdom's); its types are @types/node's (a devDependency).
import { Blob as NodeBlob } from "node:buffer";
import { describe, expect, it } from "vitest";
import type { User } from "../api/types";
import { openOutboxDb, readItems } from "./db";
import { Outbox, type OutboxOptions } from "./outbox";
import type { ResolvedItem, SendResult } from "./types";
import { noteCreate, notePhoto, noteUpdate, takeNew, takeUpdate } from "./writes";

const me = { id: 7, username: "ana", email: "", name: "Ana Ruiz", display_name: "Ana Ruiz", email_verified: true } satisfies User;
let dbCount = 0;

/** An outbox on its own database with a scripted server: `answers` are used in turn, then every write succeeds. */
function harness(name = `outbox-test-${++dbCount}`, options: Partial<OutboxOptions> = {}) {
  const sent: ResolvedItem[] = [];
  const answers: ((r: ResolvedItem) => SendResult)[] = [];
  const timers: { fn: () => void; ms: number }[] = [];
  const applied: unknown[] = [];
  let online = true;
  let nextId = 100;
  const server = (r: ResolvedItem): SendResult => {
    if (r.item.method === "POST") return { outcome: "ok", data: { ...(r.item.optimistic ?? {}), ...r.body, id: nextId++, version: 1 } };
    return { outcome: "ok", data: { id: r.target, ...r.body, version: Number(r.body.version) + 1 } };
  };
  let uuid = 0;
  const box = new Outbox({
    db: () => openOutboxDb(name),
    send: async (r) => { sent.push(r); return (answers.shift() ?? server)(r); },
    onSent: (_item, data) => { applied.push(data); },
    uuid: () => `${name}-uuid-${++uuid}`,
    random: () => 0.5,
    isOnline: () => online,
    timers: { set: (fn, ms) => { timers.push({ fn, ms }); return timers.length; }, clear: () => undefined },
    ...options,
  });
  box.setUser(me.id);
  return { box, sent, answers, timers, applied, name, setOnline: (v: boolean) => { online = v; } };
}

const scene = { id: 3, production: 1 };
const note = (body: string) => noteCreate({ production: 1, scene: scene.id, category: "wardrobe", body, flagged: false }, me);
const shot = { id: 11, scene: 3, production: 1, number: "12A" };

describe("the outbox", () => {
  it("tells its listeners only when what it shows changed, with the same snapshot until then", async () => {
    const h = harness();
    const stop = h.box.start();
    await h.box.flush();
    let told = 0;
    const unsubscribe = h.box.subscribe(() => { told += 1; });
    const before = h.box.getSnapshot();
    h.box.setUser(me.id); // the same user again
    h.box.kick();
    await h.box.flush();
    expect(told).toBe(0);
    expect(h.box.getSnapshot()).toBe(before);

    h.setOnline(false);
    await h.box.enqueue(note("Jacket open"));
    expect(told).toBeGreaterThan(0);
    expect(h.box.getSnapshot().items.map((i) => i.label)).toEqual(["Continuity note: Jacket open"]);
    unsubscribe();
    stop();
  });

  it("sends writes made offline in the order they were made, each with its own key, when the network returns", async () => {
    const h = harness();
    h.setOnline(false);
    const a = await h.box.enqueue(note("Jacket open"));
    const b = await h.box.enqueue(note("Cup in left hand"));
    const c = await h.box.enqueue(takeNew(shot, 3, "sync"));
    await h.box.flush();
    expect(h.sent).toEqual([]);
    expect(h.box.getSnapshot().items.map((i) => [i.label, i.state])).toEqual([
      ["Continuity note: Jacket open", "waiting"], ["Continuity note: Cup in left hand", "waiting"], ["Take 4 of shot 12A", "waiting"]]);

    h.setOnline(true);
    h.box.kick();
    await h.box.flush();

    expect(h.sent.map((r) => [r.path, r.item.key])).toEqual([
      ["/api/continuity-notes/", a.id], ["/api/continuity-notes/", b.id], ["/api/shots/11/new-take/", c.id]]);
    expect(h.sent.map((r) => r.body.body ?? r.body.after)).toEqual(["Jacket open", "Cup in left hand", 3]);
    expect(h.box.getSnapshot().items).toEqual([]);
    expect(await readItems(await openOutboxDb(h.name))).toEqual([]);
  });

  it("backs off exponentially while the network fails, then sends each write once", async () => {
    const h = harness();
    const fail = (): SendResult => ({ outcome: "retry", message: "No connection to Slate." });
    h.answers.push(fail, fail, fail);
    await h.box.enqueue(note("Hat brim up"));
    await h.box.enqueue(note("Scarf left"));
    await h.box.flush();

    const waits: number[] = [];
    for (let i = 0; i < 3; i++) {
      expect(h.box.getSnapshot().problem).toBe("No connection to Slate.");
      await h.box.flush(); // a periodic try before the back-off is over does nothing
      expect(h.sent).toHaveLength(i + 1);
      const timer = h.timers.shift();
      waits.push(timer?.ms ?? 0);
      timer?.fn();
      await h.box.flush();
    }

    expect(waits).toEqual([1000, 2000, 4000]);
    expect(h.sent.map((r) => r.body.body)).toEqual(["Hat brim up", "Hat brim up", "Hat brim up", "Hat brim up", "Scarf left"]);
    expect(new Set(h.sent.slice(0, 4).map((r) => r.item.key)).size).toBe(1); // the same key every time: one row at most
    expect(h.box.getSnapshot().items).toEqual([]);
  });

  it("doubles the wait after each failure, up to a minute", async () => {
    const h = harness();
    for (let i = 0; i < 8; i++) h.answers.push(() => ({ outcome: "retry", message: "down" }));
    await h.box.enqueue(note("x"));
    await h.box.flush();
    for (let i = 0; i < 7; i++) { h.timers[i]?.fn(); await h.box.flush(); }
    expect(h.timers.map((t) => t.ms)).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
  });

  it("keeps the queue across a restart and sends an item cut off mid-send again with the same key", async () => {
    const first = harness();
    first.setOnline(false);
    const a = await first.box.enqueue(note("Tie loosened"));
    const b = await first.box.enqueue(notePhoto({ id: 55, production: 1, scene: 3, body: "Tie loosened" }, new NodeBlob(["jpeg bytes"]) as unknown as Blob, "tie.jpg"));
    // the app was closed while `a` was on its way
    const db = await openOutboxDb(first.name);
    await db.put("items", { ...(await db.getAllFromIndex("items", "id", a.id))[0]!, state: "sending" });

    const second = harness(first.name);
    second.box.start()();
    await second.box.flush();

    expect(second.sent.map((r) => [r.item.id, r.item.key])).toEqual([[a.id, a.id], [b.id, b.id]]);
    const photo = second.sent[1]!.item.photo!;
    expect([photo.name, photo.size, await photo.blob.text()]).toEqual(["tie.jpg", 10, "jpeg bytes"]);
    expect(second.box.getSnapshot().items).toEqual([]);
  });

  it("sends what depends on an offline create with the server's id once the create's answer is back", async () => {
    const h = harness();
    h.setOnline(false);
    const created = await h.box.enqueue(note("Glasses on"));
    const temp = created.tempId!;
    await h.box.enqueue(notePhoto({ id: temp, production: 1, scene: 3, body: "Glasses on" }, new NodeBlob(["x"]) as unknown as Blob, "a.jpg"));
    const take = await h.box.enqueue(takeNew(shot, 0, "sync"));
    const optimisticTake = take.optimistic as never;
    await h.box.enqueue(takeUpdate({ ...(optimisticTake as object), id: take.tempId } as never, { circled: true }));
    await h.box.enqueue(takeUpdate({ ...(optimisticTake as object), id: take.tempId } as never, { notes: "Best" }));
    expect(temp).toBeLessThan(-1e9);
    expect([...h.box.getSnapshot().blocked.keys()].length).toBe(3);

    h.setOnline(true);
    h.box.kick();
    await h.box.flush();

    expect(h.sent.map((r) => [r.item.kind, r.path, r.target, r.body.version])).toEqual([
      ["note.create", "/api/continuity-notes/", null, undefined],
      ["note.photo", "/api/continuity-notes/100/", 100, undefined],
      ["take.new", "/api/shots/11/new-take/", null, undefined],
      ["take.update", "/api/takes/102/", 102, 1], // on the version the create answered (the photo's answer was 101)
      ["take.update", "/api/takes/102/", 102, 2], // on the version the first edit answered
    ]);
    expect(h.box.getSnapshot().ids.get(temp)).toBe(100);
  });

  it("stops an update that conflicts (409), holds later writes of that object, and sends mine on theirs when kept", async () => {
    const h = harness();
    const shown = { id: 42, production: 1, scene: 3, body: "Coat on", category: "wardrobe", flagged: false, version: 4 } as never;
    const theirs = { id: 42, production: 1, scene: 3, body: "Coat off", flagged: false, version: 6 };
    h.answers.push(() => ({ outcome: "conflict", theirs, error: { status: 409, code: "conflict", message: "Someone else changed this continuity note.", fields: {} } }));
    const first = await h.box.enqueue(noteUpdate(shown, { body: "Coat on, collar up" }));
    await h.box.enqueue(noteUpdate(shown, { flagged: true }));
    await h.box.enqueue(note("Other scene note"));
    await h.box.flush();

    let items = h.box.getSnapshot().items;
    expect(items.map((i) => i.state)).toEqual(["conflict", "waiting"]);
    expect(items[0]!.theirs).toEqual(theirs);
    expect(h.box.getSnapshot().blocked.get(items[1]!.id)?.id).toBe(first.id);
    expect(h.sent.map((r) => r.body.body ?? r.body.flagged)).toEqual(["Coat on, collar up", "Other scene note"]);

    await h.box.keepMine(first.id, { body: "Coat off, collar up" });
    await h.box.flush();

    expect(h.sent.slice(2).map((r) => [r.body, r.item.key === first.key])).toEqual([
      [{ body: "Coat off, collar up", version: 6 }, false], [{ flagged: true, version: 7 }, false]]);
    items = h.box.getSnapshot().items;
    expect(items).toEqual([]);
  });

  it("takes theirs: my change is dropped by choice, theirs goes to the cache and later writes build on it", async () => {
    const h = harness();
    const shown = { id: 9, production: 1, scene: 3, number: 2, version: 3 } as never;
    const theirs = { id: 9, production: 1, scene: 3, number: 2, circled: false, version: 5 };
    h.answers.push(() => ({ outcome: "conflict", theirs, error: { status: 409, code: "conflict", message: "changed", fields: {} } }));
    const first = await h.box.enqueue(takeUpdate(shown, { circled: true }));
    await h.box.enqueue(takeUpdate(shown, { notes: "Soft focus" }));
    await h.box.flush();

    await h.box.takeTheirs(first.id);
    await h.box.flush();

    expect(h.applied[0]).toEqual(theirs);
    expect(h.sent.slice(1).map((r) => r.body)).toEqual([{ notes: "Soft focus", version: 5 }]);
    expect(h.box.getSnapshot().items).toEqual([]);
  });

  it("keeps a write the server refuses (4xx) with its reason, goes on with the others, and sends it fixed with a new key", async () => {
    const h = harness();
    h.answers.push(() => ({ outcome: "rejected", error: { status: 400, code: "invalid", message: "Invalid input.", fields: { timecode_in: "Frames must be below 24." } } }));
    const shown = { id: 9, production: 1, scene: 3, number: 2, version: 3 } as never;
    const bad = await h.box.enqueue(takeUpdate(shown, { timecode_in: "01:00:00:30" }));
    await h.box.enqueue(note("Rain on the window"));
    await h.box.flush();

    const [failed] = h.box.getSnapshot().items;
    expect([failed?.state, failed?.error?.fields]).toEqual(["failed", { timecode_in: "Frames must be below 24." }]);
    expect(h.sent.map((r) => r.body.body ?? r.body.timecode_in)).toEqual(["01:00:00:30", "Rain on the window"]);

    await h.box.retry(bad.id, { timecode_in: "01:00:00:23" });
    await h.box.flush();

    expect(h.sent[2]?.body).toEqual({ timecode_in: "01:00:00:23", version: 3 });
    expect(h.sent[2]?.item.key).not.toBe(bad.key);
    expect(h.box.getSnapshot().items).toEqual([]);
  });

  it("discards a refused create with the writes that need it, and only when the person asks", async () => {
    const h = harness();
    h.answers.push(() => ({ outcome: "rejected", error: { status: 400, code: "invalid", message: "Write what has to match.", fields: { body: "Required." } } }));
    const created = await h.box.enqueue(note(" "));
    await h.box.enqueue(notePhoto({ id: created.tempId!, production: 1, scene: 3, body: " " }, new NodeBlob(["x"]) as unknown as Blob, "a.jpg"));
    await h.box.flush();
    expect(h.box.getSnapshot().items.map((i) => i.state)).toEqual(["failed", "waiting"]);
    expect(h.box.getSnapshot().blocked.size).toBe(1);

    const gone = await h.box.discard(created.id);

    expect(gone.map((i) => i.kind)).toEqual(["note.create", "note.photo"]);
    expect(h.box.getSnapshot().items).toEqual([]);
    expect(h.sent).toHaveLength(1);
  });

  it("waits for the person to sign in again when the session is gone (401), without dropping anything", async () => {
    const h = harness();
    h.answers.push(() => ({ outcome: "signed-out", error: { status: 401, code: "not_authenticated", message: "Sign in again to send your changes.", fields: {} } }));
    await h.box.enqueue(note("Ring on right hand"));
    await h.box.flush();
    expect(h.box.getSnapshot().items.map((i) => i.state)).toEqual(["waiting"]);
    expect(h.box.getSnapshot().problem).toBe("Sign in again to send your changes.");
    h.box.kick();
    await h.box.flush();
    expect(h.box.getSnapshot().items).toEqual([]);
  });

  it("logs one-tap takes made offline one after the other, each after the number the previous one got", async () => {
    const h = harness();
    h.setOnline(false);
    const numbers = [5, 6];
    const first = await h.box.enqueue(takeNew(shot, 3, "sync"));
    await h.box.enqueue(takeNew(shot, 4, "sync"));
    await h.box.enqueue(takeNew(shot, 5, "mos"));
    // another device logged take 4 meanwhile: the first is refused with it, the person says it is the same take
    h.answers.push(() => ({ outcome: "conflict", theirs: { id: 80, shot: 11, scene: 3, number: 4, version: 1 },
      error: { status: 409, code: "take_exists", message: "Take 4 is already logged.", fields: {} } }));
    for (const n of numbers) h.answers.push((r) => ({ outcome: "ok", data: { id: 90 + n, shot: 11, scene: 3, number: n, version: 1, after: r.body.after } }));
    h.setOnline(true);
    h.box.kick();
    await h.box.flush();
    expect(h.box.getSnapshot().items.map((i) => i.state)).toEqual(["conflict", "waiting", "waiting"]);

    await h.box.takeTheirs(first.id);
    await h.box.flush();

    expect(h.sent.map((r) => r.body)).toEqual([{ after: 3, sound: "sync" }, { after: 4, sound: "sync" }, { after: 5, sound: "mos" }]);
    expect(h.box.getSnapshot().ids.get(first.tempId!)).toBe(80); // edits of "my" take 4 go to the one already logged
    expect(h.box.getSnapshot().items).toEqual([]);
  });

  it("puts an update on the newer version by itself when the other person changed only other fields", async () => {
    const h = harness();
    const shown = { id: 9, production: 1, scene: 3, number: 2, notes: "", circled: false, version: 3 } as never;
    h.answers.push(() => ({ outcome: "conflict", theirs: { id: 9, number: 2, notes: "", circled: true, version: 4 },
      error: { status: 409, code: "conflict", message: "changed", fields: {} } }));
    await h.box.enqueue(takeUpdate(shown, { notes: "Boom dipped" }));
    await h.box.flush();

    expect(h.sent.map((r) => r.body)).toEqual([{ notes: "Boom dipped", version: 3 }, { notes: "Boom dipped", version: 4 }]);
    expect(h.box.getSnapshot().items).toEqual([]);
  });
});
