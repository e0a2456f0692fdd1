// Display helpers for clips and jobs.
import type { ApprovalStatus, Job, JobStatus, LinkSuggestion, MediaAsset, Rendition, RenditionStatus } from "../../api/types";
import { inZone, sameDay } from "../../time/zone";

export const ACTIVE_JOB_STATUSES: readonly JobStatus[] = ["pending", "running"];
export const isActiveJob = (job: Pick<Job, "status"> | null | undefined): boolean => !!job && ACTIVE_JOB_STATUSES.includes(job.status);

export const mediaStatusColor: Record<MediaAsset["status"], string> = { uploaded: "gray", processing: "blue", ready: "green", failed: "red" };

export function renditionOf(asset: Pick<MediaAsset, "renditions">, kind: Rendition["kind"]): Rendition | undefined {
  return asset.renditions.find((r) => r.kind === kind);
}

/** A rendition's file when it is ready to use (older payloads without a status count as ready). */
export function readyRendition(asset: Pick<MediaAsset, "renditions">, kind: Rendition["kind"]): (Rendition & { url: string }) | undefined {
  const r = renditionOf(asset, kind);
  return r && (r.status ?? "ready") === "ready" && r.url ? (r as Rendition & { url: string }) : undefined;
}

export const renditionStatusColor: Record<RenditionStatus, string> = { pending: "gray", processing: "blue", ready: "green", failed: "red", skipped: "dark" };
export const renditionLabel: Record<Rendition["kind"], string> = { poster: "Poster", proxy: "Proxy", filmstrip: "Filmstrip", waveform: "Waveform" };
export const RENDITION_KINDS: Rendition["kind"][] = ["poster", "proxy", "filmstrip", "waveform"];

export const approvalLabel: Record<ApprovalStatus, string> = { pending: "Pending review", approved: "Approved", changes_requested: "Changes requested" };
export const approvalColor: Record<ApprovalStatus, string> = { pending: "gray", approved: "green", changes_requested: "orange" };

/** "Sc 12 / Sh A / Tk 3" from a link suggestion's numbers; "" when it names nothing. */
export function suggestionLabel(s: LinkSuggestion | undefined | null): string {
  if (!s) return "";
  const parts = [s.scene_number && `Sc ${s.scene_number}`, s.shot_number && `Sh ${s.shot_number}`, s.take_number != null && s.take_number !== "" && `Tk ${s.take_number}`];
  return parts.filter(Boolean).join(" / ");
}

/** Bytes per second as people read a transfer speed: "12.4 MB/s", "850 kB/s" (decimal units, as networks are sold). */
export function speedLabel(bytesPerSecond: number): string {
  if (!(bytesPerSecond > 0)) return "";
  if (bytesPerSecond >= 1e6) return `${(bytesPerSecond / 1e6).toFixed(1)} MB/s`;
  return `${Math.max(1, Math.round(bytesPerSecond / 1e3))} kB/s`;
}

/** Time left at a speed: "3 min left", "12 s left", "" when unknown. */
export function etaLabel(remainingBytes: number, bytesPerSecond: number): string {
  if (!(bytesPerSecond > 0) || remainingBytes <= 0) return "";
  const s = Math.ceil(remainingBytes / bytesPerSecond);
  return s < 90 ? `${s} s left` : s < 5400 ? `${Math.round(s / 60)} min left` : `${(s / 3600).toFixed(1)} h left`;
}

/** 1920 × 1080, or "—" before probing. */
export function resolution(width: number | null, height: number | null): string {
  return width && height ? `${width} × ${height}` : "—";
}

/** "23.976 fps (24000/1001)", "25 fps (25/1)", "—": the float and the exact rational the file declares. */
export function frameRate(rational: string, fps: number | null): string {
  if (fps == null) return rational || "—";
  const shown = `${Number(fps.toFixed(3))} fps`;
  return rational ? `${shown} (${rational})` : shown;
}

/** Seconds with milliseconds: 5.005 s, or "—". */
export function durationSeconds(s: number | null): string {
  return s == null ? "—" : `${Number(s.toFixed(3))} s`;
}

/** Video codec / audio codec: "h264 / aac", "prores", "—". */
export function codecs(video: string, audio: string): string {
  return [video, audio].filter(Boolean).join(" / ") || "—";
}

/** A date and time in the viewer's locale and time zone (time/zone.ts), "—" when missing. */
export function when(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString(undefined, inZone({ dateStyle: "medium", timeStyle: "short" })) : "—";
}

/** Compact: the time alone when it is today, else "Nov 20, 11:27 PM"; "—" when missing (in the viewer's zone). */
export function shortWhen(iso: string | null | undefined, now = new Date()): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (sameDay(d, now)) return d.toLocaleTimeString(undefined, inZone({ hour: "numeric", minute: "2-digit", second: "2-digit" }));
  return d.toLocaleString(undefined, inZone({ month: "short", day: "numeric", hour: "numeric", minute: "2-digit" }));
}

/** Progress (0–1) as a whole percentage, clamped. */
export function percent(fraction: number): number {
  return Math.round(Math.min(1, Math.max(0, fraction)) * 100);
}

const KIND_LABEL: Record<string, string> = {
  "media.process": "Dailies processing",
  "media.ingest_card": "Card offload",
  "media.clip": "Clip render",
  "media.selects_reel": "Selects reel",
  "script.import": "Screenplay import",
  "script.edit": "Screenplay version",
  "script.render": "Screenplay export",
  "ai.write_script": "AI screenplay writing",
  "ai.write_scene": "AI scene writing",
  "ai.breakdown": "AI breakdown",
  "ai.storyboard": "Storyboard frames",
};
/** A job kind in words ("media.process" → "Dailies processing"); unknown kinds as they are. */
export function jobKindLabel(kind: string): string {
  return KIND_LABEL[kind] ?? kind;
}

/** How long a job ran (or has been running, up to `now`): "12 s", "3 min 4 s", or "". */
export function jobDuration(job: Pick<Job, "started_at" | "finished_at">, now = Date.now()): string {
  if (!job.started_at) return "";
  const end = job.finished_at ? Date.parse(job.finished_at) : now;
  const s = Math.max(0, Math.round((end - Date.parse(job.started_at)) / 1000));
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}
