// The service worker's push part (sw-push.js, plain JS) run against a fake ServiceWorkerGlobalScope.
import { describe, expect, it, vi } from "vitest";
import source from "./sw-push.js?raw";

type Listener = (event: Record<string, unknown>) => void;

function load(windows: { url: string; focus: () => Promise<unknown>; navigate: (url: string) => Promise<unknown> }[] = [], extra: Record<string, unknown> = {}) {
  const listeners = new Map<string, Listener>();
  const shown: { title: string; options: Record<string, unknown> }[] = [];
  const opened: string[] = [];
  const self = {
    location: new URL("https://slate.example/sw.js"),
    addEventListener: (type: string, listener: Listener) => listeners.set(type, listener),
    skipWaiting: vi.fn(),
    registration: { pushManager: extra.pushManager, showNotification: async (title: string, options: Record<string, unknown>) => { shown.push({ title, options }); } },
    clients: { claim: vi.fn(), matchAll: async () => windows, openWindow: async (url: string) => { opened.push(url); } },
    ...extra,
  };
  new Function("self", source)(self);
  const fire = async (type: string, event: Record<string, unknown>) => {
    let done: Promise<unknown> = Promise.resolve();
    listeners.get(type)?.({ ...event, waitUntil: (p: Promise<unknown>) => { done = p; } });
    await done;
  };
  return { fire, shown, opened };
}

const data = (payload: unknown) => ({ json: () => payload, text: () => JSON.stringify(payload) });

describe("sw.js", () => {
  it("shows a push as a notification with its tag, icon and url", async () => {
    const sw = load();
    await sw.fire("push", { data: data({ title: "Call sheet published", body: "Day 1: crew call 07:00", url: "/productions/1/call-sheets/4", tag: "callsheet-4", notification: 9 }) });
    expect(sw.shown).toEqual([{
      title: "Call sheet published",
      options: expect.objectContaining({ body: "Day 1: crew call 07:00", tag: "callsheet-4", renotify: true, icon: "/static/app/icon-192.png", data: { url: "/productions/1/call-sheets/4", notification: 9 } }),
    }]);
  });

  it("shows a text payload as the body, and an empty push as Slate", async () => {
    const sw = load();
    await sw.fire("push", { data: { json: () => { throw new SyntaxError("not JSON"); }, text: () => "hello" } });
    await sw.fire("push", { data: null });
    expect(sw.shown.map((s) => [s.title, s.options.body, "tag" in s.options])).toEqual([["Slate", "hello", false], ["Slate", "", false]]);
  });

  it("on click, takes an open Slate window to the url, else opens one", async () => {
    const navigate = vi.fn(async () => undefined);
    const win = { url: "https://slate.example/productions/1/", focus: async () => win, navigate };
    const sw = load([win]);
    const close = vi.fn();
    await sw.fire("notificationclick", { notification: { close, data: { url: "/productions/1/call-sheets/4" } } });
    expect(close).toHaveBeenCalled();
    expect(navigate).toHaveBeenCalledWith("https://slate.example/productions/1/call-sheets/4");

    const empty = load([]);
    await empty.fire("notificationclick", { notification: { close, data: { url: "/settings/notifications" } } });
    expect(empty.opened).toEqual(["https://slate.example/settings/notifications"]);
  });
});

describe("sw.js pushsubscriptionchange", () => {
  it("subscribes again with the old key and posts the new subscription, then forgets the old endpoint", async () => {
    const key = new Uint8Array([4, 1, 2]).buffer;
    const fresh = { endpoint: "https://push.example/new", toJSON: () => ({ endpoint: "https://push.example/new", expirationTime: null, keys: { p256dh: "p", auth: "a" } }) };
    const subscribe = vi.fn(async () => fresh);
    const calls: { url: string; init: RequestInit }[] = [];
    vi.stubGlobal("fetch", async (url: string, init: RequestInit) => { calls.push({ url, init }); return new Response("{}", { status: 201 }); });
    try {
      const sw = load([], { pushManager: { subscribe }, cookieStore: { get: async () => ({ value: "tok" }) } });
      await sw.fire("pushsubscriptionchange", { oldSubscription: { endpoint: "https://push.example/old", options: { applicationServerKey: key } }, newSubscription: null });
      expect(subscribe).toHaveBeenCalledWith({ userVisibleOnly: true, applicationServerKey: key });
      expect(calls.map((c) => [c.url, c.init.credentials, (c.init.headers as Record<string, string>)["X-CSRFToken"], JSON.parse(String(c.init.body)).endpoint])).toEqual([
        ["/api/push-subscriptions/", "include", "tok", "https://push.example/new"],
        ["/api/push-subscriptions/unsubscribe/", "include", "tok", "https://push.example/old"],
      ]);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
