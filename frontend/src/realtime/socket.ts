// One WebSocket per tab: subscribe, keep each production's stream whole by `seq`, reconnect with back-off,
// resume with `after_seq`. DESIGN.md, "WebSocket protocol"; issue 11, "No silent gap in a stream".
import type { Id } from "../api/types";
import { isControl, type ControlFrame, type ServerFrame, type SlateEvent } from "./events";

export type ConnectionStatus = "live" | "reconnecting" | "offline";

/** How long a frame that arrived after a gap waits for the missing ones before the client asks for them again. */
export const GAP_WAIT_MS = 3000;

export interface RealtimeHandlers {
  onEvent(event: SlateEvent): void;
  onControl(frame: ControlFrame): void;
  onStatus(status: ConnectionStatus): void;
  /** The server closed the socket because its sign-in is gone (4401: signed out elsewhere, a changed password). */
  onSignedOut?(): void;
}

export class RealtimeClient {
  private socket: WebSocket | null = null;
  private readonly lastId = new Map<Id, number>();
  /** The seq of the last stored event applied, per production: everything up to it was applied once, in order. */
  private readonly lastSeq = new Map<Id, number>();
  /** Stored events that arrived after a gap, by production and seq, applied once the gap is filled. */
  private readonly early = new Map<Id, Map<number, SlateEvent>>();
  private readonly gapTimers = new Map<Id, ReturnType<typeof setTimeout>>();
  private readonly lastPresence = new Map<Id, Record<string, number | string | null> | null>();
  private readonly live = new Set<Id>();
  private readonly subscribed = new Set<Id>();
  /** Productions whose last subscribe started from the position of the first REST reads (`startFor`), not the stream's head. */
  private readonly fromReads = new Set<Id>();
  private retry = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  private paused = false;
  status: ConnectionStatus = "offline";

  /**
   * `startFor(production)`: where a first subscribe starts when the tab holds REST answers of the production (the
   * lowest `Slate-Stream-Seq` among them; src/realtime/positions.ts), undefined to start at the stream's head.
   */
  constructor(private readonly handlers: RealtimeHandlers, private readonly url = defaultUrl(),
              private readonly startFor: (production: Id) => number | undefined = () => undefined) {}

  start(): void {
    this.stopped = false;
    this.open();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    for (const timer of this.gapTimers.values()) clearTimeout(timer);
    this.gapTimers.clear();
    this.socket?.close(1000);
    this.setStatus("offline");
  }

  /** Drop the connection as a network failure would, and stay away until `resume()` (diagnostics, tests). */
  pause(): void {
    this.paused = true;
    this.socket?.close(4000);
  }

  resume(): void {
    this.paused = false;
    this.retry = 0;
    if (!this.socket || this.socket.readyState === WebSocket.CLOSED) this.open();
  }

  subscribe(production: Id): void {
    this.subscribed.add(production);
    this.sendSubscribe(production);
  }

  unsubscribe(production: Id): void {
    this.subscribed.delete(production);
    this.live.delete(production);
    this.lastPresence.delete(production);
    this.send({ type: "unsubscribe", production });
  }

  /** Say what this user is looking at; remembered and re-sent whenever the subscription is (re)made. */
  presence(production: Id, where: Record<string, number | string | null> | null): void {
    this.lastPresence.set(production, where);
    if (this.live.has(production)) this.send({ type: "presence", production, where });
  }

  lastEventId(production: Id): number | undefined {
    return this.lastId.get(production);
  }

  /** The seq of the last stored event of the production applied by this tab (undefined before the first subscribe). */
  lastEventSeq(production: Id): number | undefined {
    return this.lastSeq.get(production);
  }

  private open(): void {
    if (this.stopped || this.paused) return;
    this.setStatus("reconnecting");
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.onopen = () => {
      for (const production of this.subscribed) this.sendSubscribe(production);
      if (this.subscribed.size === 0) this.setStatus("live");
    };
    socket.onmessage = (message) => this.receive(message.data as string);
    socket.onclose = (close) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.live.clear();
      if (this.stopped) return;
      if (close.code === 4401 || close.code === 4403) {
        this.setStatus("offline");
        if (close.code === 4401) this.handlers.onSignedOut?.();
        return;
      }
      this.setStatus(navigator.onLine === false ? "offline" : "reconnecting");
      if (this.paused) return;
      const delay = Math.min(30_000, 500 * 2 ** this.retry) * (0.75 + Math.random() * 0.5);
      this.retry += 1;
      this.timer = setTimeout(() => this.open(), delay);
    };
  }

  private receive(text: string): void {
    let frame: ServerFrame;
    try { frame = JSON.parse(text) as ServerFrame; } catch { return; }
    if (isControl(frame)) {
      if (frame.type === "subscribed" || frame.type === "resync") this.advance(frame.production, frame.last_seq, frame.type === "resync");
      if (frame.type === "subscribed") {
        this.retry = 0;
        if (!this.lastId.has(frame.production) || frame.last_id > (this.lastId.get(frame.production) ?? 0)) this.lastId.set(frame.production, frame.last_id);
        this.live.add(frame.production);
        this.setStatus("live");
        if (this.lastPresence.has(frame.production)) this.send({ type: "presence", production: frame.production, where: this.lastPresence.get(frame.production) ?? null });
      }
      this.handlers.onControl(frame);
      return;
    }
    if (frame.seq == null) {
      this.handlers.onEvent(frame); // ephemeral (progress, presence) and the user's own events: no stream position
      return;
    }
    const production = frame.production;
    const last = this.lastSeq.get(production);
    if (last !== undefined && frame.seq <= last) return; // had it (a replay overlapping the live stream)
    if (last !== undefined && frame.seq > last + 1) {
      // A gap: hold this one until the missing events arrive; the server fills gaps itself, so asking again is the fallback.
      const held = this.early.get(production) ?? new Map<number, SlateEvent>();
      held.set(frame.seq, frame);
      this.early.set(production, held);
      if (!this.gapTimers.has(production)) this.gapTimers.set(production, setTimeout(() => this.askForGap(production), GAP_WAIT_MS));
      return;
    }
    this.apply(frame);
    this.drain(production);
  }

  /** Apply one stored event in its place in the stream. */
  private apply(event: SlateEvent & { seq: number }): void {
    this.lastSeq.set(event.production, event.seq);
    if (event.id != null && event.id > (this.lastId.get(event.production) ?? 0)) this.lastId.set(event.production, event.id);
    this.handlers.onEvent(event);
  }

  /** Apply the held events that now follow on, in order. */
  private drain(production: Id): void {
    const held = this.early.get(production);
    while (held?.size) {
      const next = held.get((this.lastSeq.get(production) ?? 0) + 1);
      if (!next) break;
      held.delete(next.seq as number);
      this.apply(next as SlateEvent & { seq: number });
    }
    if (!held?.size) {
      this.early.delete(production);
      const timer = this.gapTimers.get(production);
      if (timer) clearTimeout(timer);
      this.gapTimers.delete(production);
    }
  }

  /** The server's word on where the stream stands: after `subscribed` the client is at least there; after `resync` it is exactly there (it refetches). */
  private advance(production: Id, lastSeq: number | undefined, resync: boolean): void {
    if (lastSeq === undefined) return;
    const current = this.lastSeq.get(production);
    if (current === undefined || lastSeq > current || resync) this.lastSeq.set(production, lastSeq);
    const held = this.early.get(production);
    if (held) for (const seq of [...held.keys()]) if (seq <= lastSeq) held.delete(seq);
    this.drain(production);
  }

  /** Still missing events after GAP_WAIT_MS: subscribe again from the last one applied (the server replays the rest). */
  private askForGap(production: Id): void {
    this.gapTimers.delete(production);
    if (this.early.get(production)?.size && this.subscribed.has(production)) this.sendSubscribe(production);
  }

  /**
   * Whether the subscription of `production` now in place started from the first REST reads' position: what was
   * missed since those reads was replayed, so nothing needs fetching again (RealtimeProvider).
   */
  startedFromReads(production: Id): boolean {
    return this.fromReads.has(production);
  }

  private sendSubscribe(production: Id): void {
    this.fromReads.delete(production);
    if (!this.lastSeq.has(production) && this.socket?.readyState === WebSocket.OPEN) {
      const start = this.startFor(production);
      if (start !== undefined) {
        // Everything up to `start` is in the answers on screen: what the server replays follows on from there.
        this.lastSeq.set(production, start);
        this.fromReads.add(production);
      }
    }
    const afterSeq = this.lastSeq.get(production);
    this.send({ type: "subscribe", production, ...(afterSeq !== undefined ? { after_seq: afterSeq } : {}) });
  }

  private send(frame: object): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(frame));
  }

  private setStatus(status: ConnectionStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.handlers.onStatus(status);
  }
}

function defaultUrl(): string {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${location.host}/ws/`;
}
