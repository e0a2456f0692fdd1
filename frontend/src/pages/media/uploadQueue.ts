// The tab's resumable uploads: a small store outside React, so an upload keeps going while the user moves between
// pages, with per-file progress, speed, pause/resume/cancel, and resuming what a reload interrupted.
import { Upload, type HttpRequest, type HttpResponse } from "tus-js-client";
import { useSyncExternalStore } from "react";
import type { Id } from "../../api/types";
import {
  CHUNK_BYTES, checksummingReader, fingerprintOf, outcomeOf, prepareRequest, RETRY_DELAYS, shouldRetry, TUS_ENDPOINT, tusErrorMessage,
  type UploadOutcome,
} from "./tus";

export type UploadState = "queued" | "uploading" | "paused" | "done" | "failed";
export interface UploadItem {
  key: string;
  production: Id;
  name: string;
  size: number;
  /** "zip" for a camera-card offload (the server unpacks it in a job), else "media". */
  kind: "zip" | "media";
  state: UploadState;
  /** Bytes the server has confirmed (or that are on their way, while uploading). */
  sent: number;
  /** Bytes per second, smoothed over the last seconds; 0 when not sending. */
  speed: number;
  /** Bytes the server already had when this upload resumed an earlier one (after a reload or a lost connection). */
  resumedAt: number | null;
  error: string | null;
  outcome: UploadOutcome | null;
}

export interface UploadOptions { take?: Id | null; replaces?: Id | null; onDone?: (item: UploadItem) => void }

/** How many files are sent at once; the rest wait (one busy link shared by many files gains nothing). */
const PARALLEL = 2;

let items: UploadItem[] = [];
const uploads = new Map<string, Upload>();
const callbacks = new Map<string, UploadOptions["onDone"]>();
const listeners = new Set<() => void>();
let counter = 0;

function emit() {
  items = [...items];
  for (const listener of listeners) listener();
}

function update(key: string, patch: Partial<UploadItem>) {
  const index = items.findIndex((i) => i.key === key);
  if (index === -1) return;
  items[index] = { ...items[index]!, ...patch };
  emit();
}

const find = (key: string) => items.find((i) => i.key === key);

export function isZip(file: { name: string; type: string }): boolean {
  return /\.zip$/i.test(file.name) || /zip/.test(file.type);
}

/** Smoothed speed: the new sample weighs 30% (an exponential moving average over roughly the last 3 samples). */
export function smoothSpeed(previous: number, bytes: number, seconds: number): number {
  if (seconds <= 0) return previous;
  const sample = bytes / seconds;
  return previous > 0 ? previous * 0.7 + sample * 0.3 : sample;
}

/** Start uploading files to a production (each its own tus upload); returns their keys. */
export function enqueueUploads(files: File[], production: Id, options: UploadOptions = {}): string[] {
  const keys: string[] = [];
  for (const file of files) {
    const key = `u${++counter}-${Date.now()}`;
    keys.push(key);
    items.push({
      key, production, name: file.name, size: file.size, kind: isZip(file) ? "zip" : "media", state: "queued",
      sent: 0, speed: 0, resumedAt: null, error: null, outcome: null,
    });
    callbacks.set(key, options.onDone);
    void prepare(key, file, production, options);
  }
  emit();
  return keys;
}

async function prepare(key: string, file: File, production: Id, options: UploadOptions) {
  const fingerprint = await fingerprintOf(file, production);
  const checksums = checksummingReader();
  let lastTick = { at: performance.now(), bytes: 0 };
  const metadata: Record<string, string> = {
    filename: file.name, filetype: file.type || "application/octet-stream", production: String(production), fingerprint,
  };
  if (options.take != null) metadata.take = String(options.take);
  if (options.replaces != null) metadata.replaces = String(options.replaces);

  const upload = new Upload(file, {
    endpoint: TUS_ENDPOINT,
    chunkSize: CHUNK_BYTES,
    retryDelays: RETRY_DELAYS,
    metadata,
    headers: { "Slate-Upload-Fingerprint": fingerprint },
    fingerprint: async () => fingerprint,
    fileReader: checksums.reader,
    storeFingerprintForResuming: true,
    removeFingerprintOnSuccess: true,
    onShouldRetry: (error) => shouldRetry(error),
    onBeforeRequest: (req: HttpRequest) => prepareRequest(req, checksums),
    onAfterResponse: (req: HttpRequest, res: HttpResponse) => {
      // A HEAD that finds bytes already on the server: this upload resumes an earlier one.
      if (req.getMethod() === "HEAD" && res.getStatus() === 200) {
        const offset = Number(res.getHeader("Upload-Offset"));
        if (offset > 0 && find(key)?.resumedAt == null) update(key, { resumedAt: offset, sent: offset });
      }
      const outcome = outcomeOf(res);
      if (outcome) update(key, { outcome });
    },
    onProgress: (bytesSent) => {
      const now = performance.now();
      const seconds = (now - lastTick.at) / 1000;
      if (seconds >= 0.5 || bytesSent === file.size) {
        const speed = bytesSent >= lastTick.bytes ? smoothSpeed(find(key)?.speed ?? 0, bytesSent - lastTick.bytes, seconds) : 0;
        lastTick = { at: now, bytes: bytesSent };
        update(key, { sent: bytesSent, speed, state: "uploading", error: null });
      }
    },
    onSuccess: () => {
      update(key, { state: "done", sent: file.size, speed: 0 });
      uploads.delete(key);
      const item = find(key);
      if (item) callbacks.get(key)?.(item);
      pump();
    },
    onError: (error) => {
      update(key, { state: "failed", speed: 0, error: tusErrorMessage(error) });
      pump();
    },
  });
  uploads.set(key, upload);
  // Resume where a reload or a lost connection left the same file (tus-js-client's URL storage, by fingerprint).
  const previous = await upload.findPreviousUploads().catch(() => []);
  if (previous[0]) upload.resumeFromPreviousUpload(previous[0]);
  pump();
}

/** Start queued uploads while fewer than PARALLEL are sending. */
function pump() {
  let running = items.filter((i) => i.state === "uploading").length;
  for (const item of items) {
    if (running >= PARALLEL) break;
    const upload = uploads.get(item.key);
    if (item.state !== "queued" || !upload) continue;
    update(item.key, { state: "uploading", error: null });
    upload.start();
    running++;
  }
}

/** Stop sending; the bytes the server confirmed stay there (resume picks up from them). */
export function pauseUpload(key: string): void {
  const upload = uploads.get(key);
  if (!upload) return;
  void upload.abort(false);
  update(key, { state: "paused", speed: 0 });
  pump();
}

/** Continue a paused or failed upload from the last byte the server confirmed. */
export function resumeUpload(key: string): void {
  if (!uploads.get(key)) return;
  update(key, { state: "queued", error: null });
  pump();
}

/** Stop and delete the upload on the server; it leaves the list. */
export function cancelUpload(key: string): void {
  const upload = uploads.get(key);
  uploads.delete(key);
  callbacks.delete(key);
  items = items.filter((i) => i.key !== key);
  emit();
  if (upload) void upload.abort(true).catch(() => undefined);
  pump();
}

/** Take a finished (or failed) upload off the list. */
export function dismissUpload(key: string): void {
  if (find(key)?.state === "uploading") return;
  uploads.delete(key);
  callbacks.delete(key);
  items = items.filter((i) => i.key !== key);
  emit();
}

/** Back online: uploads that stopped on a lost connection go on by themselves. */
if (typeof window !== "undefined") {
  window.addEventListener("online", () => {
    for (const item of items) if (item.state === "failed" && uploads.has(item.key)) resumeUpload(item.key);
  });
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The uploads of a production in this tab, live. */
export function useUploads(production: Id): UploadItem[] {
  const all = useSyncExternalStore(subscribe, () => items);
  return all.filter((i) => i.production === production);
}

/** True while any upload of the tab is sending or waiting: closing the tab would interrupt it. */
export function useUploadsBusy(): boolean {
  return useSyncExternalStore(subscribe, () => items.some((i) => i.state === "uploading" || i.state === "queued"));
}

/** For tests: forget everything. */
export function resetUploadsForTests(): void {
  items = [];
  uploads.clear();
  callbacks.clear();
  emit();
}
