// The one HTTP client: same-origin session cookie, CSRF header on writes, Slate's error shape.
import type { Id } from "./types";
import { pageProduction, POSITION_HEADER, PRODUCTION_HEADER, readAt } from "../realtime/positions";
import { takeFirstRead } from "./firstReads";

export interface ErrorBody { message: string; code: string; extra: Record<string, unknown> & { fields?: Record<string, string[]>; current?: unknown } }

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly extra: ErrorBody["extra"];
  constructor(status: number, body: ErrorBody) {
    super(body.message);
    this.status = status;
    this.code = body.code;
    this.extra = body.extra ?? {};
  }
  /** Field errors of a form submission (`extra.fields`), for showing next to each field. */
  get fields(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, messages] of Object.entries(this.extra.fields ?? {})) out[name] = Array.isArray(messages) ? messages.join(" ") : String(messages);
    return out;
  }
}

/** Retry rule for TanStack Query mutations: a 503 `busy` (the server's transaction was aborted by a
 * deadlock or a lock timeout; nothing was saved) is sent again, at most twice; nothing else is. */
export function retryWhenBusy(failureCount: number, error: unknown): boolean {
  return error instanceof ApiError && error.status === 503 && error.code === "busy" && failureCount < 2;
}

/** Delay before such a retry: the server's Retry-After is one second. */
export const busyRetryDelayMs = 1000;

export function csrfToken(): string {
  const match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1] ?? "") : "";
}

/** How many times a read is made again when the live stream has moved past it meanwhile (src/realtime/positions.ts). */
const READS_AGAIN = 2;

export async function api<T>(path: string, init: RequestInit & { json?: unknown } = {}): Promise<T> {
  const { json, ...rest } = init;
  const method = (rest.method ?? "GET").toUpperCase();
  const headers = new Headers(rest.headers);
  headers.set("Accept", "application/json");
  if (json !== undefined) headers.set("Content-Type", "application/json");
  if (method !== "GET" && method !== "HEAD") headers.set("X-CSRFToken", csrfToken());
  // A read on a production's page asks where the production's stream stood when it began (src/realtime/positions.ts).
  const production = method === "GET" ? pageProduction() : undefined;
  if (production !== undefined) headers.set(PRODUCTION_HEADER, String(production));
  // The page may carry this read's answer (api/firstReads.ts): taken as a response would be, positions included.
  const first = method === "GET" && rest.body == null ? takeFirstRead(path) : undefined;
  if (first && (production === undefined || first.position === null || !readAt(production, first.position))) return first.body as T;
  let response: Response;
  for (let attempt = 0; ; attempt += 1) {
    response = await fetch(path, { credentials: "same-origin", ...rest, method, headers, body: json !== undefined ? JSON.stringify(json) : rest.body });
    const position = production !== undefined ? Number(response.headers.get(POSITION_HEADER) ?? NaN) : NaN;
    if (!Number.isSafeInteger(position) || position < 0 || !readAt(production as Id, position) || attempt >= READS_AGAIN) break;
  }
  if (response.status === 204) return undefined as T;
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const err = (body && typeof body === "object" && "code" in body) ? (body as ErrorBody) : { message: response.statusText || "Request failed", code: "http_" + response.status, extra: {} };
    throw new ApiError(response.status, err);
  }
  return body as T;
}

/** All pages of a list endpoint, concatenated (page_size 500). */
export async function apiAll<T>(path: string): Promise<T[]> {
  const sep = path.includes("?") ? "&" : "?";
  let url: string | null = `${path}${sep}page_size=500`;
  const out: T[] = [];
  while (url) {
    const page: { results: T[]; next: string | null } = await api(url);
    out.push(...page.results);
    url = page.next ? new URL(page.next, location.origin).pathname + new URL(page.next, location.origin).search : null;
  }
  return out;
}

/** Upload with progress (fetch has no upload progress): XMLHttpRequest, same CSRF and error rules. */
export function upload<T>(path: string, form: FormData, onProgress: (fraction: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", path);
    xhr.setRequestHeader("X-CSRFToken", csrfToken());
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    xhr.onload = () => {
      let body: unknown = null;
      try { body = JSON.parse(xhr.responseText); } catch { /* not JSON */ }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as T);
      else reject(new ApiError(xhr.status, (body as ErrorBody) ?? { message: xhr.statusText, code: "http_" + xhr.status, extra: {} }));
    };
    xhr.onerror = () => reject(new ApiError(0, { message: "The connection was lost during the upload.", code: "network", extra: {} }));
    xhr.send(form);
  });
}
