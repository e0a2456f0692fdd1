// Sending one outbox item: JSON writes with their Idempotency-Key (apps/core/idempotency.py), photos resumably through
// tus (/api/uploads/ with Upload-Metadata continuity_note; apps/media/api/uploads.py). What the server answers is
// sorted into SendResult: through, try again later, refused (4xx: the person fixes or discards), or a conflict.
import type { DetailedError } from "tus-js-client";
import { csrfToken } from "../api/client";
import type { ItemError, ResolvedItem, SendResult } from "./types";

/** A photo's chunks: 1 MiB, so an upload cut off by the Wi-Fi resumes close to where it stopped. */
export const PHOTO_CHUNK_BYTES = 1024 * 1024;

function errorOf(status: number, body: unknown, fallback: string): ItemError {
  const b = (body && typeof body === "object" ? body : {}) as { message?: string; code?: string; detail?: string; extra?: { fields?: Record<string, unknown> } };
  const fields: Record<string, string> = {};
  for (const [name, messages] of Object.entries(b.extra?.fields ?? {})) fields[name] = Array.isArray(messages) ? messages.join(" ") : String(messages);
  return { status, code: b.code ?? `http_${status}`, message: b.message || b.detail || fallback, fields };
}

/**
 * What an answer means for the item (the rules of apps/core/idempotency.py and Slate's error body):
 * 2xx through; 409 `conflict` or `take_exists` with `extra.current` a conflict; 409 `idempotency_in_progress`, 408,
 * 429 and 5xx try again (Retry-After in seconds); 401 signed out; any other 4xx refused with its reason.
 */
export function classify(status: number, body: unknown, retryAfter: string | null = null): SendResult {
  if (status >= 200 && status < 300) return { outcome: "ok", data: body };
  const error = errorOf(status, body, `The server answered ${status}.`);
  const current = (body as { extra?: { current?: unknown } } | null)?.extra?.current;
  if (status === 409 && current && typeof current === "object") return { outcome: "conflict", error, theirs: current as Record<string, unknown> };
  const seconds = retryAfter !== null ? Number(retryAfter) : NaN;
  const retryAfterMs = Number.isFinite(seconds) ? seconds * 1000 : undefined;
  if (status === 409 && error.code === "idempotency_in_progress") return { outcome: "retry", message: "The server is still working on it.", retryAfterMs };
  if (status === 408 || status === 429 || status >= 500) return { outcome: "retry", message: `The server is not answering now (${status}).`, retryAfterMs };
  if (status === 401) return { outcome: "signed-out", error: { ...error, message: "Sign in again to send your changes." } };
  return { outcome: "rejected", error };
}

/** Send a JSON write (POST/PATCH) with its Idempotency-Key; a network failure is "retry". */
export async function sendJson(resolved: ResolvedItem, fetcher: typeof fetch = fetch): Promise<SendResult> {
  let response: Response;
  try {
    response = await fetcher(resolved.path, {
      method: resolved.item.method,
      credentials: "same-origin",
      headers: { Accept: "application/json", "Content-Type": "application/json", "X-CSRFToken": csrfToken(), "Idempotency-Key": resolved.item.key },
      body: JSON.stringify(resolved.body),
    });
  } catch {
    return { outcome: "retry", message: "No connection to Slate." };
  }
  const body: unknown = response.status === 204 ? null : await response.json().catch(() => null);
  return classify(response.status, body, response.headers.get("Retry-After"));
}

/**
 * Upload a queued photo to its note through tus: resumes at the server's offset when the item has an `uploadUrl`
 * (reported through `onUploadUrl` as soon as the server made the upload, to be kept with the item). The creation
 * POST carries the item's Idempotency-Key, so a creation whose answer was lost gives the same upload again.
 * Answers `{ photo }` (the photo's id when the server said it) when the server has the whole file.
 */
export async function sendPhoto(resolved: ResolvedItem, onUploadUrl: (url: string) => void): Promise<SendResult> {
  const { item, target } = resolved;
  const photo = item.photo;
  if (!photo || !(photo.blob instanceof Blob)) {
    return { outcome: "rejected", error: { status: 0, code: "photo_missing", message: "The photo is no longer stored on this device.", fields: {} } };
  }
  // tus-js-client and the checksums only when a photo is sent: they stay out of the chunk every page loads (App.tsx).
  // The service worker precaches their chunk, so this works offline-then-online without a reload.
  let tus: typeof import("tus-js-client"), helpers: typeof import("../pages/media/tus");
  try {
    [tus, helpers] = await Promise.all([import("tus-js-client"), import("../pages/media/tus")]);
  } catch {
    return { outcome: "retry", message: "No connection to Slate." };
  }
  const { Upload } = tus;
  const { checksummingReader, prepareRequest, TUS_ENDPOINT, tusErrorMessage } = helpers;
  return new Promise((resolve) => {
    const checksums = checksummingReader();
    const upload = new Upload(photo.blob, {
      endpoint: TUS_ENDPOINT,
      uploadUrl: photo.uploadUrl,
      chunkSize: PHOTO_CHUNK_BYTES,
      retryDelays: [0, 1000, 3000],
      storeFingerprintForResuming: false,
      fileReader: checksums.reader,
      metadata: { production: String(item.production), continuity_note: String(target), filename: photo.name, filetype: photo.type },
      onBeforeRequest(req) {
        prepareRequest(req, checksums);
        if (req.getMethod() === "POST") req.setHeader("Idempotency-Key", item.key);
      },
      onUploadUrlAvailable() { if (upload.url) onUploadUrl(upload.url); },
      onShouldRetry(error: DetailedError) {
        const status = error.originalResponse?.getStatus() ?? 0;
        return status === 0 || status === 423 || status === 460 || status >= 500;
      },
      onSuccess({ lastResponse }) {
        const id = lastResponse.getHeader("Slate-Continuity-Photo");
        resolve({ outcome: "ok", data: { photo: id ? Number(id) : null } });
      },
      onError(error) {
        const res = (error as DetailedError).originalResponse;
        const status = res?.getStatus() ?? 0;
        if (!res || status === 0) { resolve({ outcome: "retry", message: "No connection to Slate." }); return; }
        if ((status === 404 || status === 410) && photo.uploadUrl && res.getHeader("Upload-Offset") == null) {
          resolve({ outcome: "restart", message: "The upload expired on the server; it starts again." });
          return;
        }
        let body: unknown = null;
        try { body = JSON.parse(res.getBody()); } catch { /* not JSON */ }
        const result = classify(status, body, res.getHeader("Retry-After") ?? null);
        resolve(result.outcome === "rejected" ? { ...result, error: { ...result.error, message: tusErrorMessage(error) } } : result);
      },
    });
    upload.start();
  });
}

/** Send an item whatever its kind. */
export function sendItem(resolved: ResolvedItem, onUploadUrl: (url: string) => void): Promise<SendResult> {
  return resolved.item.kind === "note.photo" ? sendPhoto(resolved, onUploadUrl) : sendJson(resolved);
}
