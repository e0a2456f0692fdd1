// Resumable uploads (tus 1.0, /api/uploads/, apps/media/api/uploads.py) through tus-js-client: per-chunk SHA-256 checksums,
// a fingerprint that names the file and the production, CSRF, and the server's answers read back into words.
import { sha256 } from "@noble/hashes/sha2.js";
import { defaultOptions, type DetailedError, type HttpRequest, type HttpResponse, type PreviousUpload, type UploadOptions } from "tus-js-client";
import { csrfToken } from "../../api/client";
import type { Id } from "../../api/types";

export const TUS_ENDPOINT = "/api/uploads/";
/** 8 MiB: big enough to keep a LAN busy, small enough that a dropped chunk on set Wi-Fi costs seconds. */
export const CHUNK_BYTES = 8 * 1024 * 1024;
/** Back-off between retries of a failed request (ms): ~10 minutes in all before the upload is reported as stopped. */
export const RETRY_DELAYS = [0, 1_000, 3_000, 5_000, 10_000, 20_000, 30_000, 60_000, 60_000, 120_000, 120_000, 180_000];
/** A chunk the server refused because its checksum did not match (tus checksum extension): it was discarded, send it again. */
export const CHECKSUM_MISMATCH = 460;

type FileReader = NonNullable<UploadOptions["fileReader"]>;
/** SHA-256 of some bytes, as 32 bytes. */
export type Digest = (bytes: Uint8Array) => Promise<Uint8Array> | Uint8Array;

/**
 * SHA-256 with @noble/hashes: pure JS, so it works on a tablet on http://<LAN address> where crypto.subtle
 * (secure contexts only) is missing. Where crypto.subtle exists it is used instead: it is native and off the main thread.
 */
export const sha256Digest: Digest = (bytes) => {
  const subtle = globalThis.isSecureContext ? globalThis.crypto?.subtle : undefined;
  if (subtle) return subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>).then((d) => new Uint8Array(d));
  return sha256(bytes);
};

export function base64(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

/** The `Upload-Checksum` header value for some bytes: "sha256 <base64 digest>" (tus checksum extension). */
export async function checksumHeader(bytes: Uint8Array, digest: Digest = sha256Digest): Promise<string> {
  return `sha256 ${base64(await digest(bytes))}`;
}

/** The bytes of a Blob (Blob.arrayBuffer where the browser has it, else a FileReader). */
export function readBlob(blob: Blob): Promise<Uint8Array> {
  if (typeof blob.arrayBuffer === "function") return blob.arrayBuffer().then((b) => new Uint8Array(b));
  return new Promise((resolve, reject) => {
    const reader = new globalThis.FileReader();
    reader.onload = () => resolve(new Uint8Array(reader.result as ArrayBuffer));
    reader.onerror = () => reject(reader.error ?? new Error("The file could not be read."));
    reader.readAsArrayBuffer(blob);
  });
}

/**
 * A tus-js-client `fileReader` for Files and Blobs that reads each chunk into memory once, computes its checksum, and
 * hands tus-js-client a Blob of exactly the bytes it hashed (a file that changes on disk meanwhile cannot make the two
 * differ). `checksumFor(offset)` then gives the header for the PATCH that starts at `offset`; `sign` (onBeforeRequest)
 * sets it.
 */
export function checksummingReader(digest: Digest = sha256Digest) {
  const checksums = new Map<number, string>();
  const reader: FileReader = {
    async openFile(input: unknown) {
      if (!(input instanceof Blob)) throw new Error("tus: only files can be uploaded here");
      const file = input;
      return {
        size: file.size,
        async slice(start: number, end: number) {
          const bytes = await readBlob(file.slice(start, end));
          checksums.clear(); // only the chunk being sent matters
          checksums.set(start, await checksumHeader(bytes, digest));
          return { value: new Blob([bytes as Uint8Array<ArrayBuffer>]), done: end >= file.size };
        },
        close: () => undefined,
      };
    },
  };
  return {
    reader,
    checksumFor: (offset: number): string | undefined => checksums.get(offset),
    /** onBeforeRequest: put the chunk's checksum on a PATCH (looked up by its Upload-Offset). */
    sign(req: HttpRequest): void {
      if (req.getMethod() !== "PATCH") return;
      const header = checksums.get(Number(req.getHeader("Upload-Offset")));
      if (header) req.setHeader("Upload-Checksum", header);
    },
  };
}

/**
 * What identifies a file for resuming: the production, its name, size and modification time, and a hash of its first
 * 64 KiB (two different takes with one name and size still differ). Sent as `Slate-Upload-Fingerprint`; the server
 * answers 409 `different_file` when a resumed upload is not the same file.
 */
export async function fingerprintOf(file: File, production: Id, digest: Digest = sha256Digest): Promise<string> {
  const head = await readBlob(file.slice(0, 64 * 1024));
  const hash = base64(await digest(head)).slice(0, 16);
  return ["slate", production, file.size, file.lastModified, hash, encodeURIComponent(file.name)].join("-");
}

/** tus-js-client retries network errors and 409/423 on its own; also retry a chunk refused for its checksum (460). */
export function shouldRetry(error: DetailedError): boolean {
  const status = error.originalResponse?.getStatus() ?? 0;
  if (status === CHECKSUM_MISMATCH || status === 409 || status === 423) return true;
  if (status >= 400 && status < 500) return false;
  return typeof navigator === "undefined" || navigator.onLine !== false;
}

/** The Slate resource the request that completed an upload made: a media asset (clip/still) or a job (card ZIP). */
export interface UploadOutcome { asset: Id | null; job: string | null }

export function outcomeOf(res: HttpResponse): UploadOutcome | null {
  const asset = res.getHeader("Slate-Media-Asset");
  const job = res.getHeader("Slate-Job");
  if (!asset && !job) return null;
  return { asset: asset ? Number(asset) : null, job: job || null };
}

/** Words for a failed upload: the server's JSON message when it sent one, else what the status means. */
export function tusErrorMessage(error: unknown): string {
  const detailed = error as Partial<DetailedError> | null;
  const res = detailed?.originalResponse;
  if (res) {
    const status = res.getStatus();
    let text = "";
    try {
      const body = JSON.parse(res.getBody()) as { message?: string; detail?: string } | null;
      text = body?.message || body?.detail || "";
    } catch { /* not JSON */ }
    if (text) return text;
    if (status === 403) return "Your role in this production does not allow uploads.";
    if (status === 413) return "The file is larger than the server accepts.";
    if (status === 410) return "This upload expired on the server; start it again.";
    if (status === CHECKSUM_MISMATCH) return "Chunks kept arriving damaged; check the connection and resume.";
    return `The upload failed (HTTP ${status}).`;
  }
  if (error instanceof Error && /network|xhr|failed to fetch/i.test(error.message)) return "The connection was lost. Resume when you are back online.";
  return error instanceof Error ? error.message.replace(/^tus: /, "") : "The upload failed.";
}

/**
 * onBeforeRequest for every tus request: the session's CSRF token as it is now (it may rotate during a long upload),
 * and the chunk's checksum on a PATCH. Set here only: the browser's XHR joins a header set twice into "a, a".
 */
export function prepareRequest(req: HttpRequest, checksums: { sign(req: HttpRequest): void }): void {
  req.setHeader("X-CSRFToken", csrfToken());
  checksums.sign(req);
}

/** Unfinished uploads of a production kept in this browser (tus-js-client's URL storage), newest first. */
export async function unfinishedUploads(production: Id): Promise<PreviousUpload[]> {
  const all = await defaultOptions.urlStorage.findAllUploads().catch(() => [] as PreviousUpload[]);
  return all.filter((u) => u.metadata.production === String(production) && u.uploadUrl)
    .sort((a, b) => b.creationTime.localeCompare(a.creationTime));
}

/** Forget an unfinished upload in this browser, and ask the server to delete its bytes. */
export async function discardUpload(previous: PreviousUpload): Promise<void> {
  await defaultOptions.urlStorage.removeUpload(previous.urlStorageKey).catch(() => undefined);
  if (previous.uploadUrl) {
    await fetch(previous.uploadUrl, { method: "DELETE", credentials: "same-origin", headers: { "Tus-Resumable": "1.0.0", "X-CSRFToken": csrfToken() } })
      .catch(() => undefined);
  }
}
