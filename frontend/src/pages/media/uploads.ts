// Pure helpers for the dailies and screenplay uploads: limits, checks before sending, error text.
import { ApiError } from "../../api/client";
import { bytes } from "../../format";

/** project/settings.py SLATE_MAX_MEDIA_UPLOAD_BYTES (default 4 GiB). */
export const MAX_MEDIA_UPLOAD_BYTES = 4 * 1024 ** 3;
/** project/settings.py SLATE_MAX_SCRIPT_UPLOAD_BYTES (default 5 MiB). */
export const MAX_SCRIPT_UPLOAD_BYTES = 5 * 1024 ** 2;

/** What a file picker accepts for dailies and screenplays. */
export const MEDIA_ACCEPT = "video/*,.mov,.mxf,.mkv";
/** What the screenplay picker offers: Fountain, Final Draft and PDF (the server tells them apart by content, not by name). */
export const SCRIPT_ACCEPT = ".fountain,.fdx,.pdf,.txt,text/plain,application/pdf";

/** A limit as people read it: 4 GiB, 5 MiB (whole numbers without decimals). */
export function limitLabel(limit: number): string {
  for (const [unit, factor] of [["GiB", 1024 ** 3], ["MiB", 1024 ** 2], ["KiB", 1024]] as const) {
    if (limit >= factor) {
      const value = limit / factor;
      return Number.isInteger(value) ? `${value} ${unit}` : `${value.toFixed(1)} ${unit}`;
    }
  }
  return `${limit} bytes`;
}

/**
 * Why `file` must not be sent (empty, or over `limit` bytes), or null when it may.
 * `what` names the kind of file in the message ("clip", "screenplay").
 */
export function checkUploadSize(file: { name: string; size: number }, limit: number, what: string): string | null {
  if (file.size <= 0) return `${file.name} is empty: choose the ${what} again.`;
  if (file.size > limit) return `${file.name} is ${bytes(file.size)}; Slate takes a ${what} of at most ${limitLabel(limit)}.`;
  return null;
}

/** The text to show for a failed upload: the server's own message when it sent one. */
export function uploadErrorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 403) return error.message || "Your role in this production does not allow uploads.";
    if (error.status === 413) return error.message || "The file is larger than the server accepts.";
    return error.message || `The upload failed (HTTP ${error.status}).`;
  }
  return error instanceof Error ? error.message : "The upload failed.";
}

/** A title from a file name: "the_heist-v2.fountain" → "the heist v2". */
export function titleFromFileName(name: string): string {
  return name.replace(/\.[^.]+$/, "").replace(/[_-]+/g, " ").replace(/\s+/g, " ").trim();
}
