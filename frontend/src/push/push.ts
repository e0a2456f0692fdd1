// Web Push on this device: the service worker (/sw.js), the browser's PushSubscription, and the server's copy of it
// (apps/notifications, /api/push-subscriptions/). RFC 8030 delivery, RFC 8292 VAPID; the Push API (W3C).
import { api } from "../api/client";

/** Whether this browser can receive Web Push here, and if not, why (in words for the user). */
export type PushSupport = { supported: true } | { supported: false; reason: string };

interface PushEnvironment {
  isSecureContext: boolean; hasServiceWorker: boolean; hasPushManager: boolean; hasNotification: boolean;
  userAgent: string; maxTouchPoints: number; standalone: boolean;
}

function environment(): PushEnvironment {
  const nav = typeof navigator === "undefined" ? undefined : navigator;
  return {
    isSecureContext: typeof window !== "undefined" && window.isSecureContext,
    hasServiceWorker: !!nav && "serviceWorker" in nav,
    hasPushManager: typeof window !== "undefined" && "PushManager" in window,
    hasNotification: typeof window !== "undefined" && "Notification" in window,
    userAgent: nav?.userAgent ?? "",
    maxTouchPoints: nav?.maxTouchPoints ?? 0,
    standalone: typeof window !== "undefined" && (window.matchMedia?.("(display-mode: standalone)").matches
      || (nav as (Navigator & { standalone?: boolean }) | undefined)?.standalone === true),
  };
}

/** iPhone, iPad (iPadOS says "Macintosh" but has touch). */
function isIos(env: PushEnvironment): boolean {
  return /iPhone|iPad|iPod/.test(env.userAgent) || (/Macintosh/.test(env.userAgent) && env.maxTouchPoints > 1);
}

export function pushSupport(env: PushEnvironment = environment()): PushSupport {
  if (env.hasServiceWorker && env.hasPushManager && env.hasNotification && env.isSecureContext) return { supported: true };
  if (isIos(env) && !env.standalone) {
    return { supported: false, reason: "On iPhone and iPad, push notifications work only once Slate is on your Home Screen: tap Share, then “Add to Home Screen”, and open Slate from there (iOS 16.4 or later)." };
  }
  if (!env.isSecureContext) return { supported: false, reason: "Push notifications need a secure (https) connection to Slate." };
  return { supported: false, reason: "This browser cannot receive push notifications (it has no service worker or Push API support)." };
}

/** A VAPID public key (base64url, RFC 4648 §5, no padding) as the bytes `applicationServerKey` wants. */
export function urlBase64ToUint8Array(base64url: string): Uint8Array<ArrayBuffer> {
  const padded = base64url.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (base64url.length % 4)) % 4);
  const raw = atob(padded);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

/** Why turning push on did not work; `code` is for the screen to choose its message. */
export class PushSetupError extends Error {
  constructor(readonly code: "denied" | "dismissed" | "unsupported" | "failed", message: string) { super(message); }
}

export const SW_URL = "/sw.js";

/** The service worker registration at scope "/", registering /sw.js if there is none yet. */
export async function registerServiceWorker(): Promise<ServiceWorkerRegistration> {
  const existing = await navigator.serviceWorker.getRegistration("/");
  if (existing) return existing;
  await navigator.serviceWorker.register(SW_URL, { scope: "/" });
  return navigator.serviceWorker.ready;
}

/** This browser's current push subscription, if it has one (without registering anything). */
export async function currentSubscription(): Promise<PushSubscription | null> {
  const registration = await navigator.serviceWorker.getRegistration("/");
  return (await registration?.pushManager.getSubscription()) ?? null;
}

/** Tell the server about this device's subscription (the same endpoint again only updates the row). */
export async function saveSubscription(subscription: PushSubscription): Promise<void> {
  await api("/api/push-subscriptions/", { method: "POST", json: subscription.toJSON() });
}

/**
 * Turn push on for this device: register the service worker, ask permission, subscribe with the server's VAPID key
 * (RFC 8292) and send the subscription to the server. Throws PushSetupError when permission is refused.
 */
export async function subscribePush(): Promise<PushSubscription> {
  const support = pushSupport();
  if (!support.supported) throw new PushSetupError("unsupported", support.reason);
  // Asked first and straight from the click: browsers only show the prompt for a user gesture.
  const permission = Notification.permission === "granted" ? "granted" : await Notification.requestPermission();
  if (permission === "denied") throw new PushSetupError("denied", "Notifications are blocked for Slate in this browser.");
  if (permission !== "granted") throw new PushSetupError("dismissed", "Notifications were not allowed (the question was dismissed).");
  const registration = await registerServiceWorker();
  const { public_key } = await api<{ public_key: string }>("/api/push-subscriptions/vapid-public-key/");
  const key = urlBase64ToUint8Array(public_key);
  let subscription = await registration.pushManager.getSubscription();
  if (subscription && !sameKey(subscription.options.applicationServerKey, key)) {
    await subscription.unsubscribe(); // made with another server key: the push service would refuse our pushes
    subscription = null;
  }
  subscription ??= await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
  await saveSubscription(subscription);
  return subscription;
}

function sameKey(current: ArrayBuffer | null, key: Uint8Array): boolean {
  if (!current) return false;
  const bytes = new Uint8Array(current);
  return bytes.length === key.length && bytes.every((b, i) => b === key[i]);
}

/** Turn push off for this device: unsubscribe in the browser and tell the server to forget the endpoint. */
export async function unsubscribePush(): Promise<void> {
  const subscription = await currentSubscription();
  if (!subscription) return;
  const { endpoint } = subscription;
  await subscription.unsubscribe();
  await api("/api/push-subscriptions/unsubscribe/", { method: "POST", json: { endpoint } });
}

/** Ask the server to send a test push to every device of the signed-in user. */
export const sendTestPush = () => api<unknown>("/api/push-subscriptions/test/", { method: "POST" });

/**
 * Answer the service worker's questions while this page is open. Today one: the CSRF token, which a service worker
 * cannot read from `document.cookie` when it re-subscribes (`pushsubscriptionchange`) in a browser without the
 * Cookie Store API. Returns the function that stops listening.
 */
export function answerServiceWorker(readCsrfToken: () => string): () => void {
  if (typeof navigator === "undefined" || !("serviceWorker" in navigator)) return () => {};
  const container = navigator.serviceWorker;
  const listener = (event: MessageEvent<unknown>) => {
    const data = event.data as { type?: unknown } | null;
    if (data?.type === "slate.csrf-token") event.ports[0]?.postMessage({ csrfToken: readCsrfToken() });
  };
  container.addEventListener("message", listener);
  container.startMessages();
  return () => container.removeEventListener("message", listener);
}
