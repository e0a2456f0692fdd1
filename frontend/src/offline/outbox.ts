// The outbox: every write the tablet makes goes through it, online or not. Each is kept in IndexedDB with its
// Idempotency-Key (a UUID made when the person acted) before anything is sent, sent one at a time in the order made,
// retried with back-off while the network is away, and kept — never dropped — when the server refuses it (4xx) or
// someone else changed the object (409) until the person decides. Framework-free; offline/runtime.ts connects it to
// React, the query cache and the realtime socket.
import type { Id } from "../api/types";
import { addItem, completeItem, deleteItems, openOutboxDb, pruneSent, putItem, readItems, readSent, type OutboxDb } from "./db";
import { backoffMs, blockers, idMap, nextToSend, objectOf, withDependents } from "./schedule";
import { sendItem } from "./send";
import { dependenciesOf, isTempId, newTempId, resolveItem } from "./tempIds";
import type { OutboxItem, ResolvedItem, SendResult, SentRecord, WriteDraft } from "./types";

/** How often the outbox tries on its own (besides the online event, a socket reconnect and the back-off timer). */
export const PERIODIC_MS = 20_000;
/** A photo whose upload the server lost is started again at most this many times before it is reported. */
const MAX_RESTARTS = 3;
/** An update whose fields nobody else touched is put on the newer version by itself at most this many times. */
const MAX_REBASES = 3;

/**
 * Whether a conflict is only about fields the item does not change: the server's object still has, in every field
 * the item sets, the value the person saw when acting (`before`). Then nothing of theirs is overwritten.
 */
export function onlyOthersChanged(item: OutboxItem, theirs: Record<string, unknown>): boolean {
  if (!item.before || item.kind === "take.new" || typeof theirs.version !== "number") return false;
  return Object.keys(item.body).filter((f) => f !== "version").every((f) => JSON.stringify(theirs[f]) === JSON.stringify(item.before?.[f]));
}

export interface OutboxSnapshot {
  /** The signed-in person's items, in the order made. */
  items: readonly OutboxItem[];
  /** temp id → server id of objects made offline and sent since. */
  ids: ReadonlyMap<number, Id | string>;
  /** Waiting items that cannot go yet → the item each waits for. */
  blocked: ReadonlyMap<string, OutboxItem>;
  /** When the next try is due after tries that did not get through (ms since the epoch), and why they did not. */
  retryAt: number | null;
  problem: string | null;
  /** The items were read from IndexedDB. */
  ready: boolean;
}

export interface OutboxOptions {
  db?: () => Promise<OutboxDb>;
  send?: (resolved: ResolvedItem, onUploadUrl: (url: string) => void) => Promise<SendResult>;
  /** The answer (or, after "take theirs", the server's object) into the cache, before the item leaves the queue. */
  onSent?: (item: OutboxItem, data: unknown, resolved: ResolvedItem | null) => void | Promise<void>;
  /** An item the server refused or that conflicts: tell the person. */
  onStopped?: (item: OutboxItem) => void;
  now?: () => number;
  random?: () => number;
  uuid?: () => string;
  isOnline?: () => boolean;
  /** Run `task` while no other tab sends (Web Locks where the browser has them). */
  lock?: (task: () => Promise<void>) => Promise<void>;
  timers?: { set: (fn: () => void, ms: number) => unknown; clear: (handle: unknown) => void };
}

const webLock = async (task: () => Promise<void>): Promise<void> => {
  if (typeof navigator !== "undefined" && navigator.locks) await navigator.locks.request("slate-outbox", task);
  else await task();
};

export class Outbox {
  private db: Promise<OutboxDb> | null = null;
  private all: OutboxItem[] = [];
  private sent: SentRecord[] = [];
  private user: Id | null = null;
  private listeners = new Set<() => void>();
  private snapshot: OutboxSnapshot = { items: [], ids: new Map(), blocked: new Map(), retryAt: null, problem: null, ready: false };
  private ready = false;
  /** The run in progress (a flush meanwhile asks it to go round once more and waits for it). */
  private running: Promise<void> | null = null;
  private again = false;
  private forceAgain = false;
  private failures = 0;
  private retryAt: number | null = null;
  private problem: string | null = null;
  private retryTimer: unknown = null;
  private stopStart: (() => void) | null = null;
  private channel: BroadcastChannel | null = null;
  private readonly o: Required<Omit<OutboxOptions, "onSent" | "onStopped">> & Pick<OutboxOptions, "onSent" | "onStopped">;

  constructor(options: OutboxOptions = {}) {
    this.o = {
      db: options.db ?? (() => openOutboxDb()),
      send: options.send ?? sendItem,
      onSent: options.onSent,
      onStopped: options.onStopped,
      now: options.now ?? Date.now,
      random: options.random ?? Math.random,
      uuid: options.uuid ?? (() => crypto.randomUUID()),
      isOnline: options.isOnline ?? (() => typeof navigator === "undefined" || navigator.onLine !== false),
      lock: options.lock ?? webLock,
      timers: options.timers ?? { set: (fn, ms) => setTimeout(fn, ms), clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) },
    };
  }

  /** Set what the answers go to (the app's cache) and who is told about refusals. */
  configure(options: Pick<OutboxOptions, "onSent" | "onStopped">): void {
    Object.assign(this.o, options);
  }

  /** Whose items are shown and sent (null when signed out: nothing is sent). */
  setUser(user: Id | null): void {
    if (this.user === user) return;
    this.user = user;
    this.notify();
    void this.flush(true);
  }

  /** Read the queue, and try on the online event, every PERIODIC_MS and when another tab changed it. Returns stop. */
  start(): () => void {
    if (this.stopStart) return this.stopStart;
    const online = () => this.kick();
    const periodic = setInterval(() => void this.flush(), PERIODIC_MS);
    const channel = typeof BroadcastChannel !== "undefined" ? new BroadcastChannel("slate-outbox") : null;
    if (channel) channel.onmessage = () => void this.reload().then(() => this.notify());
    this.channel = channel;
    if (typeof window !== "undefined") window.addEventListener("online", online);
    void this.reload().then(() => { this.ready = true; this.notify(); void this.flush(true); });
    this.stopStart = () => {
      clearInterval(periodic);
      channel?.close();
      this.channel = null;
      if (typeof window !== "undefined") window.removeEventListener("online", online);
      if (this.retryTimer) this.o.timers.clear(this.retryTimer);
      this.stopStart = null;
    };
    return this.stopStart;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  };

  getSnapshot = (): OutboxSnapshot => this.snapshot;

  /**
   * Keep a write (in IndexedDB, before anything is sent) and send it when its turn comes. Creates get a temp id
   * (`tempId`, also the optimistic object's id); an update is based on the answer of the last earlier write of the
   * same object still in the outbox (or sent from it), else on the version the person saw. Resolves with the item.
   */
  async enqueue(draft: WriteDraft): Promise<OutboxItem> {
    if (this.user == null) throw new Error("Not signed in: nothing can be kept for sending.");
    await this.database();
    const id = this.o.uuid();
    const now = this.o.now();
    const tempId = draft.optimistic ? newTempId(now) : null;
    let base: OutboxItem["base"] = null;
    if (draft.kind === "take.new") {
      const shot = draft.optimistic?.shot;
      const earlier = [...this.mine()].reverse().find((i) => i.kind === "take.new" && i.optimistic?.shot === shot);
      if (earlier) base = { version: 0, after: earlier.id };
    } else if (draft.version !== undefined) {
      const ids = idMap(this.sent);
      const object = objectOf({ entity: draft.entity, target: draft.target, tempId: null, id, kind: draft.kind }, ids);
      const earlier = [...this.mine()].reverse().find((i) => i.entity !== "continuity_photo" && objectOf(i, ids) === object);
      // An object made offline: after its create (still here, or sent: its record has the version it got).
      const creator = isTempId(draft.target) ? (this.mine().find((i) => i.tempId === draft.target) ?? this.sent.find((r) => r.tempId === draft.target)) : undefined;
      base = { version: draft.version, after: earlier?.id ?? creator?.id ?? null };
    }
    const { photo, ...rest } = draft;
    delete rest.version;
    const item: OutboxItem = {
      ...rest, id, key: id, user: this.user, tempId, base, state: "waiting", error: null, theirs: null, attempts: 0, createdAt: now,
      optimistic: draft.optimistic ? { ...draft.optimistic, id: tempId } : undefined,
      photo: photo ? { blob: photo.blob, name: photo.name, type: photo.type, size: photo.blob.size, uploadUrl: null } : null,
    };
    const saved = await addItem(await this.database(), item);
    this.all = [...this.all.filter((i) => i.id !== saved.id), saved]; // a reload meanwhile may have read it already
    this.changed();
    void this.flush(); // at once, unless the network failed a moment ago (then with the back-off)
    return saved;
  }

  /** Try now: the network is back (online event, socket reconnected) or the person asked. */
  kick(): void {
    this.failures = 0;
    this.retryAt = null;
    void this.flush(true);
  }

  /** Send what can be sent, in order, until the queue is empty or the network fails (then back off). */
  flush(force = false): Promise<void> {
    if (this.running) {
      this.again = true;
      this.forceAgain ||= force;
      return this.running;
    }
    this.running = (async () => {
      try {
        let forced = force;
        do {
          this.again = false;
          this.forceAgain = false;
          await this.o.lock(() => this.pass(forced));
          forced = this.forceAgain;
        } while (this.again);
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  /** Forget an item and every later one that needs what it creates; refused while one of them is being sent. */
  async discard(itemId: string): Promise<OutboxItem[]> {
    const item = this.find(itemId);
    if (!item) return [];
    const gone = withDependents(this.mine(), item);
    if (gone.some((i) => i.state === "sending")) throw new Error("It is being sent right now; wait a moment.");
    await deleteItems(await this.database(), gone);
    const ids = new Set(gone.map((i) => i.id));
    this.all = this.all.filter((i) => !ids.has(i.id));
    this.changed();
    void this.flush(true);
    return gone;
  }

  /** Send a refused item again, with the person's corrections to its body; a new key (the refusal is kept under the old). */
  async retry(itemId: string, changes: Record<string, unknown> = {}): Promise<void> {
    const item = this.find(itemId);
    if (!item || (item.state !== "failed" && item.state !== "waiting")) return;
    await this.save(item, {
      body: { ...item.body, ...changes }, key: this.o.uuid(), state: "waiting", error: null, attempts: 0,
      photo: item.photo ? { ...item.photo, uploadUrl: null } : null,
    });
    this.kick();
  }

  /**
   * Conflict, "keep mine": send my change again on the server's current version (`merged`: fields as merged by the
   * person). For a new take whose number another device logged first: log mine as the next take after theirs.
   */
  async keepMine(itemId: string, merged: Record<string, unknown> = {}): Promise<void> {
    const item = this.find(itemId);
    if (!item || item.state !== "conflict" || !item.theirs) return;
    const theirs = item.theirs;
    const changes: Partial<OutboxItem> = item.kind === "take.new"
      ? { body: { ...item.body, after: theirs.number } }
      : { body: { ...item.body, ...merged }, base: { version: Number(theirs.version), after: null } };
    await this.save(item, { ...changes, key: this.o.uuid(), state: "waiting", error: null, theirs: null, attempts: 0 });
    this.kick();
  }

  /**
   * Conflict, "take theirs": the server's object stands and my change is dropped, by the person's choice. Later
   * writes of mine on the object are based on it (for a new take another device logged: they go to that take).
   */
  async takeTheirs(itemId: string): Promise<void> {
    const item = this.find(itemId);
    if (!item || item.state !== "conflict" || !item.theirs) return;
    await this.complete(item, null, item.theirs);
    void this.flush(true);
  }

  // --- inside -------------------------------------------------------------------------------------------------

  private database(): Promise<OutboxDb> {
    this.db ??= this.o.db();
    return this.db;
  }

  private mine(): OutboxItem[] {
    return this.all.filter((i) => i.user === this.user);
  }

  private find(itemId: string): OutboxItem | undefined {
    return this.all.find((i) => i.id === itemId);
  }

  private async reload(): Promise<void> {
    const db = await this.database();
    [this.all, this.sent] = await Promise.all([readItems(db), readSent(db)]);
  }

  private async pass(force: boolean): Promise<void> {
    if (this.user == null) return;
    if (!force && this.retryAt !== null && this.o.now() < this.retryAt) return;
    await this.reload();
    // Only this tab sends now (the lock): an item left "sending" was cut off by a reload or a closed app.
    for (const item of this.mine().filter((i) => i.state === "sending")) await this.save(item, { state: "waiting" });
    this.changed(false);
    for (;;) {
      const next = nextToSend(this.mine(), this.sent);
      if (!next) break;
      if (!this.o.isOnline()) { this.setProblem("No network on this device."); return; }
      const resolved = resolveItem(next, this.sent);
      if (!resolved) break; // blockers() and resolveItem agree; nothing else to send
      await this.save(next, { state: "sending" });
      const result = await this.o.send(resolved, (url) => { void this.rememberUploadUrl(next.id, url); });
      const item = this.find(next.id) ?? next;
      if (result.outcome === "ok") {
        this.failures = 0;
        this.retryAt = null;
        this.problem = null;
        await this.complete(item, resolved, result.data);
      } else if (result.outcome === "retry") {
        await this.save(item, { state: "waiting", attempts: item.attempts + 1 });
        this.failures += 1;
        this.scheduleRetry(result.retryAfterMs, result.message);
        return;
      } else if (result.outcome === "restart") {
        const stop = item.attempts + 1 >= MAX_RESTARTS;
        const error = { status: 410, code: "upload_expired", message: result.message, fields: {} };
        await this.save(item, { state: stop ? "failed" : "waiting", attempts: item.attempts + 1, key: this.o.uuid(), error: stop ? error : null,
          photo: item.photo ? { ...item.photo, uploadUrl: null } : null });
        if (stop) this.o.onStopped?.(this.find(item.id) ?? item);
      } else if (result.outcome === "conflict" && onlyOthersChanged(item, result.theirs) && item.attempts < MAX_REBASES) {
        // Someone saved other fields since: what I change is as I saw it, so mine goes on their version, unasked.
        await this.save(item, { state: "waiting", key: this.o.uuid(), base: { version: Number(result.theirs.version), after: null }, attempts: item.attempts + 1 });
      } else if (result.outcome === "signed-out") {
        await this.save(item, { state: "waiting" });
        this.setProblem(result.error.message);
        return;
      } else {
        await this.save(item, { state: result.outcome === "conflict" ? "conflict" : "failed", error: result.error,
          theirs: result.outcome === "conflict" ? result.theirs : null });
        this.o.onStopped?.(this.find(item.id) ?? item);
      }
    }
    this.retryAt = null;
    this.problem = null;
    const needed = new Set(this.mine().flatMap((i) => (i.base?.after ? [i.base.after] : [])));
    for (const item of this.mine()) {
      for (const temp of dependenciesOf(item)) { const record = this.sent.find((r) => r.tempId === temp); if (record) needed.add(record.id); }
    }
    await pruneSent(await this.database(), this.o.now(), needed);
    this.changed();
  }

  /** The item was answered (`data`): the cache gets the answer, then the item leaves the queue with its record. */
  private async complete(item: OutboxItem, resolved: ResolvedItem | null, data: unknown): Promise<void> {
    const answer = (data && typeof data === "object" ? data : {}) as { id?: Id; version?: number; photo?: Id | null; number?: number };
    const serverId = item.kind === "note.photo" ? (answer.photo ?? item.id) : (answer.id ?? resolved?.target ?? item.target ?? item.id);
    const record: SentRecord = {
      id: item.id, tempId: item.tempId, serverId, version: typeof answer.version === "number" ? answer.version : null,
      number: item.kind === "take.new" && typeof answer.number === "number" ? answer.number : null, at: this.o.now(),
    };
    try {
      await this.o.onSent?.(item, data, resolved);
    } catch (error) {
      console.error("outbox: the answer could not be put in the cache", error); // the write itself went through
    }
    await completeItem(await this.database(), item, record);
    this.all = this.all.filter((i) => i.id !== item.id);
    this.sent = [...this.sent.filter((r) => r.id !== record.id), record];
    this.changed();
  }

  private async save(item: OutboxItem, changes: Partial<OutboxItem>): Promise<void> {
    const next = { ...item, ...changes };
    await putItem(await this.database(), next);
    this.all = this.all.map((i) => (i.id === item.id ? next : i));
    this.changed();
  }

  private async rememberUploadUrl(itemId: string, url: string): Promise<void> {
    const item = this.find(itemId);
    if (item?.photo && item.photo.uploadUrl !== url) await this.save(item, { photo: { ...item.photo, uploadUrl: url } });
  }

  private scheduleRetry(afterMs: number | undefined, reason: string): void {
    const delay = afterMs ?? backoffMs(this.failures, this.o.random);
    this.retryAt = this.o.now() + delay;
    this.setProblem(reason);
    if (this.retryTimer) this.o.timers.clear(this.retryTimer);
    this.retryTimer = this.o.timers.set(() => { this.retryTimer = null; void this.flush(true); }, delay);
  }

  private setProblem(problem: string): void {
    this.problem = problem;
    this.notify();
  }

  /** Tell this tab's listeners, and (`broadcast`) the other tabs, that the queue changed. */
  private changed(broadcast = true): void {
    this.notify();
    if (broadcast) this.channel?.postMessage("changed");
  }

  /**
   * A new snapshot for the listeners (React's useSyncExternalStore), only when something in it changed: each screen
   * that shows the outbox (every board card's list, the scene page) renders again with a new one, synchronously.
   * Start-up (the queue read, the user set, the stream live) used to send five equal snapshots in a row.
   */
  private notify(): void {
    const before = this.snapshot;
    const mine = this.mine();
    const fresh = idMap(this.sent);
    const items = mine.length === before.items.length && mine.every((item, at) => item === before.items[at]) ? before.items : mine;
    const ids = fresh.size === before.ids.size && [...fresh].every(([temp, server]) => before.ids.get(temp) === server) ? before.ids : fresh;
    if (items === before.items && ids === before.ids && this.retryAt === before.retryAt && this.problem === before.problem
      && this.ready === before.ready) return;
    const blocked = items === before.items && ids === before.ids ? before.blocked : blockers(items, this.sent);
    this.snapshot = { items, ids, blocked, retryAt: this.retryAt, problem: this.problem, ready: this.ready };
    for (const listener of this.listeners) listener();
  }
}
