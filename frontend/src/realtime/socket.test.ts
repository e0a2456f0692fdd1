import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { GAP_WAIT_MS, RealtimeClient, type ConnectionStatus } from "./socket";
import type { ControlFrame, SlateEvent } from "./events";
import { FakeSocket } from "./fakeSocket.test-helper";


/** The stored event with seq `seq` of production 7 (its id: 100 + seq, ids being global). */
const event = (seq: number) => ({ id: 100 + seq, seq, type: "scene.updated", production: 7, entity: "scene", entity_id: 1, data: {}, actor: null, at: "" });

describe("RealtimeClient", () => {
  let events: SlateEvent[];
  let statuses: ConnectionStatus[];
  let client: RealtimeClient;
  beforeEach(() => {
    vi.useFakeTimers();
    vi.stubGlobal("WebSocket", FakeSocket);
    FakeSocket.instances = [];
    events = [];
    statuses = [];
    client = new RealtimeClient({ onEvent: (e) => events.push(e), onControl: (_f: ControlFrame) => {}, onStatus: (s) => statuses.push(s) }, "ws://test/ws/");
  });
  afterEach(() => { client.stop(); vi.unstubAllGlobals(); vi.useRealTimers(); });

  it("subscribes on open, then resumes after the last seq it applied after a drop", () => {
    client.subscribe(7);
    client.start();
    const first = FakeSocket.instances[0]!;
    first.open();
    expect(first.sent).toEqual([{ type: "subscribe", production: 7 }]);
    first.push({ type: "subscribed", production: 7, replayed: 0, last_id: 104, last_seq: 4 });
    first.push(event(5));
    expect(statuses.at(-1)).toBe("live");

    first.close(1006);
    expect(statuses.at(-1)).toBe("reconnecting");
    vi.advanceTimersByTime(1000);
    const second = FakeSocket.instances[1]!;
    second.open();
    expect(second.sent).toEqual([{ type: "subscribe", production: 7, after_seq: 5 }]);
    expect(client.lastEventId(7)).toBe(105);
  });

  it("applies each stored event once and in seq order, holding the ones after a gap until it is filled", () => {
    client.subscribe(7);
    client.start();
    const socket = FakeSocket.instances[0]!;
    socket.open();
    socket.push({ type: "subscribed", production: 7, replayed: 0, last_id: 0, last_seq: 0 });
    for (const seq of [1, 3, 1, 4, 2, 3, 5]) socket.push(event(seq));
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(client.lastEventSeq(7)).toBe(5);
  });

  it("asks for the missing events again when a gap is not filled in time", () => {
    client.subscribe(7);
    client.start();
    const socket = FakeSocket.instances[0]!;
    socket.open();
    socket.push({ type: "subscribed", production: 7, replayed: 0, last_id: 0, last_seq: 2 });
    socket.push(event(5));
    expect(events).toEqual([]);
    vi.advanceTimersByTime(GAP_WAIT_MS);
    expect(socket.sent.at(-1)).toEqual({ type: "subscribe", production: 7, after_seq: 2 });
    // the replay fills the gap: 3, 4, then the held 5, each once
    for (const seq of [3, 4, 5]) socket.push(event(seq));
    socket.push({ type: "subscribed", production: 7, replayed: 3, last_id: 105, last_seq: 5 });
    expect(events.map((e) => e.seq)).toEqual([3, 4, 5]);
  });

  it("takes the server's position after a resync and drops what it held below it", () => {
    client.subscribe(7);
    client.start();
    const socket = FakeSocket.instances[0]!;
    socket.open();
    socket.push({ type: "subscribed", production: 7, replayed: 0, last_id: 0, last_seq: 1 });
    socket.push(event(4));
    socket.push({ type: "resync", production: 7, last_seq: 4 });
    socket.push(event(5));
    expect(events.map((e) => e.seq)).toEqual([5]);
    vi.advanceTimersByTime(GAP_WAIT_MS * 2);
    expect(socket.sent.filter((f) => f.type === "subscribe")).toHaveLength(1); // nothing left to ask for
  });

  it("passes on every user event (id null), also of a production this socket does not follow", () => {
    client.subscribe(7);
    client.start();
    const socket = FakeSocket.instances[0]!;
    socket.open();
    socket.push({ type: "subscribed", production: 7, replayed: 0, last_id: 0, last_seq: 2 });
    const notification = (id: number) => ({ id: null, seq: null, type: "notification.created", production: 99, entity: "notification", entity_id: id, data: { id }, actor: null, at: "" });
    socket.push(notification(1));
    socket.push(notification(2));
    socket.push(event(3));
    expect(events.map((e) => [e.type, e.entity_id])).toEqual([["notification.created", 1], ["notification.created", 2], ["scene.updated", 1]]);
    expect(client.lastEventId(99)).toBeUndefined();
    expect(client.lastEventId(7)).toBe(103);
  });

  it("stays away while paused and comes back on resume", () => {
    client.subscribe(7);
    client.start();
    FakeSocket.instances[0]!.open();
    client.pause();
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.instances).toHaveLength(1);
    client.resume();
    expect(FakeSocket.instances).toHaveLength(2);
  });

  it("goes offline without retrying when the server says the user is not signed in", () => {
    client.start();
    FakeSocket.instances[0]!.close(4401);
    vi.advanceTimersByTime(60_000);
    expect(statuses.at(-1)).toBe("offline");
    expect(FakeSocket.instances).toHaveLength(1);
  });

  it("says the sign-in is gone on 4401 (signed out elsewhere), and not on 4403 (a foreign origin)", () => {
    const signedOut = vi.fn();
    for (const code of [4401, 4403]) {
      FakeSocket.instances = [];
      const one = new RealtimeClient({ onEvent: () => {}, onControl: () => {}, onStatus: () => {}, onSignedOut: signedOut }, "ws://test/ws/");
      one.start();
      FakeSocket.instances[0]!.open();
      FakeSocket.instances[0]!.close(code);
      one.stop();
    }
    expect(signedOut).toHaveBeenCalledTimes(1);
  });
});

describe("RealtimeClient presence", () => {
  afterEach(() => { vi.unstubAllGlobals(); vi.useRealTimers(); });

  it("sends presence only once subscribed, and again after every resubscribe", () => {
    vi.useFakeTimers();
    vi.stubGlobal("WebSocket", FakeSocket);
    FakeSocket.instances = [];
    const client = new RealtimeClient({ onEvent: () => {}, onControl: () => {}, onStatus: () => {} }, "ws://test/ws/");
    client.subscribe(7);
    client.start();
    const first = FakeSocket.instances[0]!;
    first.open();
    client.presence(7, { scene: 42 });
    expect(first.sent.filter((f) => f.type === "presence")).toEqual([]);
    first.push({ type: "subscribed", production: 7, replayed: 0, last_id: 0 });
    expect(first.sent.filter((f) => f.type === "presence")).toEqual([{ type: "presence", production: 7, where: { scene: 42 } }]);

    first.close(1006);
    vi.advanceTimersByTime(1000);
    const second = FakeSocket.instances[1]!;
    second.open();
    second.push({ type: "subscribed", production: 7, replayed: 0, last_id: 0 });
    expect(second.sent.filter((f) => f.type === "presence")).toEqual([{ type: "presence", production: 7, where: { scene: 42 } }]);
    client.stop();
  });
});
