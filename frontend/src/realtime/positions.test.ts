import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api } from "../api/client";
import { forgetPositions, pageProduction, readAt, setStreamFloor, startFor } from "./positions";
import { RealtimeClient } from "./socket";
import { FakeSocket } from "./fakeSocket.test-helper";


afterEach(() => { forgetPositions(); setStreamFloor(null); vi.unstubAllGlobals(); });

describe("stream positions of REST reads", () => {
  it("knows a production's page from its path", () => {
    expect(pageProduction("/productions/12/board")).toBe(12);
    expect(pageProduction("/productions/12")).toBe(12);
    expect(pageProduction("/productions/12x/board")).toBeUndefined();
    expect(pageProduction("/operations")).toBeUndefined();
  });

  it("keeps the lowest position of the reads made before joining, once", () => {
    expect(readAt(7, 40)).toBe(false);
    expect(readAt(7, 35)).toBe(false);
    expect(readAt(8, 3)).toBe(false);
    expect(startFor(7)).toBe(35);
    expect(startFor(7)).toBeUndefined();
    expect(startFor(8)).toBe(3);
  });

  it("asks for a read again when the stream has applied events after it", () => {
    setStreamFloor({ appliedSeq: (production) => (production === 7 ? 50 : undefined) });
    expect(readAt(7, 49)).toBe(true);
    expect(readAt(7, 50)).toBe(false);
    expect(readAt(7, 51)).toBe(false);
    expect(readAt(9, 1)).toBe(false); // not joined: kept instead
    expect(startFor(9)).toBe(1);
  });
});

describe("api() and the stream position", () => {
  beforeEach(() => { vi.stubGlobal("location", { pathname: "/productions/7/board", origin: "http://test" }); });

  function answers(...positions: number[]) {
    const asked: Headers[] = [];
    const fetch = vi.fn(async (_path: string, init: RequestInit) => {
      asked.push(new Headers(init.headers));
      const seq = positions[Math.min(asked.length - 1, positions.length - 1)];
      return new Response(JSON.stringify({ n: asked.length }), { status: 200, headers: { "Slate-Stream-Seq": String(seq) } });
    });
    vi.stubGlobal("fetch", fetch);
    return asked;
  }

  it("names the page's production and keeps the position before joining", async () => {
    const asked = answers(12);
    await expect(api("/api/scenes/?production=7")).resolves.toEqual({ n: 1 });
    expect(asked[0]!.get("Slate-Production")).toBe("7");
    expect(startFor(7)).toBe(12);
  });

  it("reads again while the answer is older than what the stream applied, at most twice more", async () => {
    setStreamFloor({ appliedSeq: () => 20 });
    let asked = answers(18, 19, 20);
    await expect(api("/api/scenes/?production=7")).resolves.toEqual({ n: 3 });
    expect(asked).toHaveLength(3);
    asked = answers(1);
    await expect(api("/api/scenes/?production=7")).resolves.toEqual({ n: 3 }); // gives up after two more reads
    expect(asked).toHaveLength(3);
  });

  it("sends no production header on writes", async () => {
    const asked = answers(5);
    await api("/api/scenes/1/", { method: "PATCH", json: { status: "shot" } });
    expect(asked[0]!.get("Slate-Production")).toBeNull();
  });
});

describe("RealtimeClient joining from the reads' position", () => {
  beforeEach(() => { vi.useFakeTimers(); vi.stubGlobal("WebSocket", FakeSocket); FakeSocket.instances = []; });
  afterEach(() => { vi.useRealTimers(); });

  it("subscribes after the lowest read's seq, says so, and drops what the reads already had", () => {
    const events: number[] = [];
    readAt(7, 30);
    readAt(7, 28);
    const client = new RealtimeClient({ onEvent: (e) => events.push(e.seq ?? -1), onControl: () => {}, onStatus: () => {} }, "ws://test/ws/", startFor);
    client.subscribe(7);
    client.start();
    const socket = FakeSocket.instances[0]!;
    socket.open();
    expect(socket.sent).toEqual([{ type: "subscribe", production: 7, after_seq: 28 }]);
    expect(client.startedFromReads(7)).toBe(true);
    expect(client.lastEventSeq(7)).toBe(28);
    // The server replays, then says subscribed (apps/realtime/consumers.py); a replayed seq the reads had is dropped
    for (const seq of [28, 29, 30]) socket.onmessage?.({ data: JSON.stringify({ id: 100 + seq, seq, type: "scene.updated", production: 7, entity: "scene", entity_id: 1, data: {}, actor: null, at: "" }) });
    socket.onmessage?.({ data: JSON.stringify({ type: "subscribed", production: 7, replayed: 2, last_id: 130, last_seq: 30 }) });
    expect(events).toEqual([29, 30]);
    // A reconnect resumes from what was applied, as before, and is not "from the reads"
    socket.close(1006);
    vi.advanceTimersByTime(1000);
    const again = FakeSocket.instances[1]!;
    again.open();
    expect(again.sent).toEqual([{ type: "subscribe", production: 7, after_seq: 30 }]);
    expect(client.startedFromReads(7)).toBe(false);
    client.stop();
  });

  it("starts at the stream's head when no read said where it stood", () => {
    const client = new RealtimeClient({ onEvent: () => {}, onControl: () => {}, onStatus: () => {} }, "ws://test/ws/", startFor);
    client.subscribe(7);
    client.start();
    FakeSocket.instances[0]!.open();
    expect(FakeSocket.instances[0]!.sent).toEqual([{ type: "subscribe", production: 7 }]);
    expect(client.startedFromReads(7)).toBe(false);
    client.stop();
  });
});
