// One WebSocket per tab: subscribe, remember the last event id, reconnect with back-off, resume with `after`.
import type { Id } from "../api/types";
import { isControl, type ControlFrame, type ServerFrame, type SlateEvent } from "./events";

export type ConnectionStatus = "live" | "reconnecting" | "offline";

export interface RealtimeHandlers {
  onEvent(event: SlateEvent): void;
  onControl(frame: ControlFrame): void;
  onStatus(status: ConnectionStatus): void;
}

export class RealtimeClient {
  private socket: WebSocket | null = null;
  private readonly lastId = new Map<Id, number>();
  private readonly seen = new Map<Id, Set<number>>();
  private readonly lastPresence = new Map<Id, Record<string, number | string | null> | null>();
  private readonly live = new Set<Id>();
  private readonly subscribed = new Set<Id>();
  private retry = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  private paused = false;
  status: ConnectionStatus = "offline";

  constructor(private readonly handlers: RealtimeHandlers, private readonly url = defaultUrl()) {}

  start(): void {
    this.stopped = false;
    this.open();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
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
      if (close.code === 4401 || close.code === 4403) { this.setStatus("offline"); return; }
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
    if (frame.id != null) {
      // Dedupe by id, not by "below the highest": live events from two processes may arrive out of order.
      const seen = this.seen.get(frame.production) ?? new Set<number>();
      if (seen.has(frame.id)) return;
      seen.add(frame.id);
      if (seen.size > 5000) seen.delete(seen.values().next().value as number);
      this.seen.set(frame.production, seen);
      if (frame.id > (this.lastId.get(frame.production) ?? 0)) this.lastId.set(frame.production, frame.id);
    }
    this.handlers.onEvent(frame);
  }

  private sendSubscribe(production: Id): void {
    const after = this.lastId.get(production);
    this.send({ type: "subscribe", production, ...(after !== undefined ? { after } : {}) });
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
