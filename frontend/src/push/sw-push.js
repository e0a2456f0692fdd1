// Slate's service worker, its Web Push part: shows push notifications and opens the app where they lead.
// Plain JavaScript with no imports, so the unit tests run it as it is (sw.test.ts); src/pwa/sw.ts imports it into the
// one worker Vite builds into static/app/sw.js (vite-plugin-pwa, injectManifest), which also precaches the app and
// answers navigations offline. Django serves it at /sw.js with `Service-Worker-Allowed: /` so its scope is the whole
// app (apps/notifications/views.py).
//
// Push payload (apps/notifications, JSON): {"title", "body", "url", "tag", "notification": id}.
// References: Push API (W3C), Notifications API (WHATWG), Service Workers (W3C), RFC 8030 / 8291 / 8292.
"use strict";

const ICON = "/static/app/icon-192.png";
const BADGE = "/static/app/badge-96.png";

/** The payload as JSON, or a plain-text payload as the body, or nothing. */
function readPayload(data) {
  if (!data) return {};
  try {
    const json = data.json();
    return json && typeof json === "object" ? json : { body: String(json) };
  } catch {
    return { body: data.text() };
  }
}

self.addEventListener("push", (event) => {
  const payload = readPayload(event.data);
  const title = payload.title || "Slate";
  const options = {
    body: payload.body || "",
    icon: ICON,
    badge: BADGE,
    // Same tag → the newer replaces the older (e.g. revisions of one call sheet) instead of piling up.
    tag: payload.tag || (payload.notification != null ? `notification-${payload.notification}` : undefined),
    renotify: Boolean(payload.tag),
    data: { url: payload.url || "/", notification: payload.notification ?? null },
  };
  if (!options.tag) { delete options.tag; options.renotify = false; }
  event.waitUntil(self.registration.showNotification(title, options));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin).href;
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
    // Prefer a Slate window already open: focus it and take it there.
    const slate = windows.find((w) => new URL(w.url).origin === self.location.origin);
    if (slate) {
      const focused = await slate.focus();
      if (focused.url === target) return;
      try { await focused.navigate(target); return; } catch { /* an uncontrolled window cannot be navigated: open one */ }
    }
    await self.clients.openWindow(target);
  })());
});

/** The CSRF token Django wants on a POST: from the cookie (Cookie Store API), else asked of an open Slate window. */
async function csrfToken() {
  try {
    if (self.cookieStore) {
      const cookie = await self.cookieStore.get("csrftoken");
      if (cookie && cookie.value) return cookie.value;
    }
  } catch { /* no access: ask a window */ }
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  for (const w of windows) {
    const token = await new Promise((resolve) => {
      const channel = new MessageChannel();
      const timer = setTimeout(() => resolve(""), 2000);
      channel.port1.onmessage = (message) => { clearTimeout(timer); resolve((message.data && message.data.csrfToken) || ""); };
      w.postMessage({ type: "slate.csrf-token" }, [channel.port2]);
    });
    if (token) return token;
  }
  return "";
}

async function post(path, body) {
  const response = await fetch(path, {
    method: "POST",
    credentials: "include",
    headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": await csrfToken() },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response;
}

function base64UrlToBytes(text) {
  const padded = text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4);
  const raw = atob(padded);
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

// The push service replaced or expired the subscription: subscribe again with the same options and tell the server.
self.addEventListener("pushsubscriptionchange", (event) => {
  event.waitUntil((async () => {
    const old = event.oldSubscription || null;
    let next = event.newSubscription || null;
    if (!next) {
      let options = old && old.options && old.options.applicationServerKey
        ? { userVisibleOnly: true, applicationServerKey: old.options.applicationServerKey }
        : null;
      if (!options) {
        const response = await fetch("/api/push-subscriptions/vapid-public-key/", { credentials: "include", headers: { Accept: "application/json" } });
        const { public_key: key } = await response.json();
        options = { userVisibleOnly: true, applicationServerKey: base64UrlToBytes(key) };
      }
      next = await self.registration.pushManager.subscribe(options);
    }
    await post("/api/push-subscriptions/", next.toJSON());
    if (old && old.endpoint !== next.endpoint) {
      await post("/api/push-subscriptions/unsubscribe/", { endpoint: old.endpoint }).catch(() => {});
    }
  })());
});
