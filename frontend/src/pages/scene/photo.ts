// Continuity photos: refused in the browser before any byte is sent when the server would refuse them.

/** SLATE_MAX_PHOTO_UPLOAD_BYTES's default (25 MiB); the server checks again. */
export const MAX_PHOTO_BYTES = 25 * 1024 * 1024;
const TYPES = ["image/jpeg", "image/png", "image/webp"];

/** Why `file` cannot be sent as a continuity photo, or null when it can. */
export function photoProblem(file: Pick<File, "size" | "type" | "name">, limit = MAX_PHOTO_BYTES): string | null {
  if (file.size === 0) return "The photo is empty.";
  if (file.size > limit) return `The photo is ${(file.size / 1024 / 1024).toFixed(1)} MiB; the limit is ${Math.round(limit / 1024 / 1024)} MiB.`;
  // Some cameras hand over an empty type (or HEIC, which the server cannot read): only refuse what is known to be wrong.
  if (file.type && !TYPES.includes(file.type)) return `A photo must be JPEG, PNG or WebP (this is ${file.type}).`;
  return null;
}
