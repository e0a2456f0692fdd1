// Screenplay diffs and exports: made once by a `script.render` job on the server, so a GET answers the result (200)
// or, while it is not made yet, 202 with the job making it.
import { ApiError, type ErrorBody } from "./client";
import type { Job } from "./types";

/** A result that is there, or the job making it. */
export type Ready<T> = { kind: "ready"; value: T } | { kind: "job"; job: Job };

async function failure(response: Response): Promise<ApiError> {
  const body: unknown = await response.json().catch(() => null);
  const err = body && typeof body === "object" && "code" in body ? (body as ErrorBody) : { message: response.statusText || "Request failed", code: "http_" + response.status, extra: {} };
  return new ApiError(response.status, err);
}

/** GET a JSON result (a diff) that may not be made yet: 200 → the value, 202 → the job making it. Throws `ApiError` otherwise. */
export async function getOrJob<T>(path: string): Promise<Ready<T>> {
  const response = await fetch(path, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (response.status === 202) return { kind: "job", job: (await response.json()) as Job };
  if (!response.ok) throw await failure(response);
  return { kind: "ready", value: (await response.json()) as T };
}

/** A downloaded file: its bytes and the name the server gave it. */
export interface Download { blob: Blob; filename: string }

/** GET a file (an export) that may not be made yet: 200 → its bytes and name, 202 → the job making it. Throws `ApiError` otherwise. */
export async function downloadOrJob(path: string, fallbackName: string): Promise<Ready<Download>> {
  const response = await fetch(path, { credentials: "same-origin", headers: { Accept: "application/json, */*" } });
  if (response.status === 202) return { kind: "job", job: (await response.json()) as Job };
  if (!response.ok) throw await failure(response);
  return { kind: "ready", value: { blob: await response.blob(), filename: filenameFrom(response.headers.get("Content-Disposition")) ?? fallbackName } };
}

/** The file name of a `Content-Disposition` header (RFC 6266: `filename*=UTF-8''…` first, else `filename="…"`), or null. */
export function filenameFrom(header: string | null): string | null {
  if (!header) return null;
  const extended = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header);
  if (extended?.[1]) {
    try { return decodeURIComponent(extended[1].trim()); } catch { /* a malformed escape: fall back to the plain name */ }
  }
  const plain = /filename\s*=\s*"((?:[^"\\]|\\.)*)"|filename\s*=\s*([^;]+)/i.exec(header);
  const name = plain?.[1] ?? plain?.[2];
  return name ? name.replace(/\\(.)/g, "$1").trim() : null;
}

