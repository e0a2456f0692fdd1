// The writes the tablet makes, as outbox drafts: continuity notes and their photos, takes and their fields, scene
// changes, comments, call-sheet confirmations. Each says how it is sent (method, path, body, the version it is based
// on) and how it shows until the server answers (the optimistic object of a create).
import { keys, type CommentTarget } from "../api/keys";
import type { Comment, ContinuityCategory, ContinuityNote, Id, Scene, Shot, Take, TakeSound, User } from "../api/types";
import type { TakeFields } from "../pages/takes/api";
import type { WriteDraft } from "./types";

const nowIso = () => new Date().toISOString();
const short = (text: string, n = 48) => (text.length > n ? `${text.slice(0, n - 1).trimEnd()}…` : text);
const pick = <T extends object>(object: T, fields: readonly string[]) =>
  Object.fromEntries(fields.map((f) => [f, (object as Record<string, unknown>)[f]]));

/** A new continuity note on a scene (POST /api/continuity-notes/). */
export function noteCreate(fields: { production: Id; scene: Id; category: ContinuityCategory; body: string; flagged: boolean }, me: User): WriteDraft {
  const { production, ...body } = fields;
  const optimistic: Omit<ContinuityNote, "id"> = {
    production, ...body, shot: null, take: null, author: me.id, author_name: me.display_name || me.name, photos: [], version: 0,
    created_at: nowIso(), updated_at: nowIso(),
  };
  return {
    kind: "note.create", production, entity: "continuity_note", method: "POST", path: "/api/continuity-notes/", body, target: null,
    label: `Continuity note: ${short(fields.body)}`, listKey: keys.notes(fields.scene), optimistic,
  };
}

/** Change a note's fields (PATCH, based on the version shown). */
export function noteUpdate(note: ContinuityNote, changes: Partial<Pick<ContinuityNote, "flagged" | "body" | "category">>): WriteDraft {
  const what = "flagged" in changes ? (changes.flagged ? "flagged" : "flag cleared") : Object.keys(changes).join(", ");
  return {
    kind: "note.update", production: note.production, entity: "continuity_note", method: "PATCH", path: `/api/continuity-notes/${note.id}/`,
    body: { ...changes }, target: note.id, version: note.version, before: pick(note, Object.keys(changes)),
    label: `Continuity note “${short(note.body, 32)}”: ${what}`,
  };
}

/** A photo for a note (uploaded resumably with tus once the note exists on the server). */
export function notePhoto(note: Pick<ContinuityNote, "id" | "production" | "scene" | "body">, file: Blob, name: string): WriteDraft {
  return {
    kind: "note.photo", production: note.production, entity: "continuity_photo", method: "POST", path: `/api/continuity-notes/${note.id}/`,
    body: { scene: note.scene }, target: note.id, label: `Photo ${name} for “${short(note.body, 32)}”`,
    photo: { blob: file, name, type: file.type || "image/jpeg" },
  };
}

/**
 * One tap: the shot's next take (POST /api/shots/{id}/new-take/). `after`: the number of the last take this device
 * shows; the server refuses (409 take_exists) when another device logged that number first — a conflict to choose.
 */
export function takeNew(shot: Pick<Shot, "id" | "scene" | "production" | "number"> & Partial<Pick<Shot, "lens_mm">>, after: number, sound: TakeSound,
  carried: Partial<Take> = {}, rate: Take["timecode_rate"] = "24"): WriteDraft {
  const number = after + 1;
  // Shown until the server's take comes: the rolls and lenses of the take before (the server carries them over too).
  const firstCamera = { camera: "A", roll: "", lens: shot.lens_mm ? `${shot.lens_mm}mm` : "" };
  const optimistic: Omit<Take, "id"> = {
    production: shot.production, scene: shot.scene, shot: shot.id, number, circled: false, no_good: false, notes: "",
    cameras: sound === "wild_track" ? [] : (carried.cameras?.length ? carried.cameras : [firstCamera]).map((c) => ({ ...c })),
    sound_roll: sound === "mos" ? "" : (carried.sound_roll ?? ""), sound, timecode_in: "", timecode_out: "", timecode_rate: carried.timecode_rate ?? rate,
    duration_frames: null, duration_s: null, recorded_at: nowIso(), version: 0, created_at: nowIso(), updated_at: nowIso(),
  };
  return {
    kind: "take.new", production: shot.production, entity: "take", method: "POST", path: `/api/shots/${shot.id}/new-take/`,
    body: { after, sound }, target: null, label: `Take ${number} of shot ${shot.number}`, listKey: keys.takes(shot.scene), optimistic,
  };
}

/** A take added on the scene page (POST /api/takes/): the server gives it the shot's next number, whatever it is then. */
export function takeCreate(shot: Pick<Shot, "id" | "scene" | "production" | "number">, shownNumber: number, rate: Take["timecode_rate"] = "24"): WriteDraft {
  const draft = takeNew(shot, shownNumber - 1, "sync", {}, rate);
  return { ...draft, kind: "take.create", path: "/api/takes/", body: { shot: shot.id } };
}

/** Change a take's fields (PATCH /api/takes/{id}/, based on `version`). */
export function takeUpdate(take: Take, changes: Partial<TakeFields>, version: number = take.version, before: Record<string, unknown> = pick(take, Object.keys(changes))): WriteDraft {
  const words = Object.entries(changes).map(([field, value]) =>
    field === "circled" ? (value ? "circled" : "circle cleared") : field === "no_good" ? (value ? "no good" : "NG cleared") : field.replace("_", " "));
  return {
    kind: "take.update", production: take.production, entity: "take", method: "PATCH", path: `/api/takes/${take.id}/`,
    body: { ...changes }, target: take.id, version, before,
    label: `Take ${take.number}: ${[...new Set(words)].join(", ")}`,
  };
}

/** Change a scene (status, synopsis…; PATCH /api/scenes/{id}/ based on the version shown). */
export function sceneUpdate(scene: Scene, changes: Partial<Scene>, version: number = scene.version): WriteDraft {
  const what = "status" in changes ? `status ${String(changes.status).replace("_", " ")}` : Object.keys(changes).join(", ").replace("_", " ");
  return {
    kind: "scene.update", production: scene.production, entity: "scene", method: "PATCH", path: `/api/scenes/${scene.id}/`,
    body: { ...changes }, target: scene.id, version, before: pick(scene, Object.keys(changes)), label: `Scene ${scene.number}: ${what}`,
  };
}

/** A comment on a scene, or a reply (`parent`) in its thread (POST /api/comments/). */
export function commentCreate(production: Id, target: CommentTarget, body: string, me: User, parent: Comment | null = null): WriteDraft {
  const optimistic: Omit<Comment, "id"> = {
    production, author: me.id, author_name: me.display_name || me.name, parent: parent?.id ?? null, scene: null, shot: null, take: null,
    continuity_note: null, media_asset: null, [target.kind]: target.id, frame: null, timecode: null, body, resolved: false, mentions: [], version: 0,
    created_at: nowIso(), updated_at: nowIso(),
  };
  return {
    kind: "comment.create", production, entity: "comment", method: "POST", path: "/api/comments/",
    body: parent ? { parent: parent.id, body } : { [target.kind]: target.id, body }, target: null,
    label: `${parent ? "Reply" : "Comment"}: ${short(body)}`, listKey: keys.comments(target), optimistic,
  };
}

/** Resolve or reopen a comment (PATCH, based on the version shown). */
export function commentUpdate(comment: Comment, changes: Partial<Pick<Comment, "resolved" | "body">>, version: number = comment.version): WriteDraft {
  return {
    kind: "comment.update", production: comment.production, entity: "comment", method: "PATCH", path: `/api/comments/${comment.id}/`,
    body: { ...changes }, target: comment.id, version, before: pick(comment, Object.keys(changes)),
    label: `Comment “${short(comment.body, 32)}”: ${"resolved" in changes ? (changes.resolved ? "resolved" : "reopened") : "edited"}`,
  };
}

/** "Confirm receipt" of a published call sheet (POST /api/call-sheets/{id}/confirm/). */
export function callSheetConfirm(production: Id, sheet: Id, dayNumber: number | null): WriteDraft {
  return {
    kind: "callsheet.confirm", production, entity: "callsheet_recipient", method: "POST", path: `/api/call-sheets/${sheet}/confirm/`,
    body: {}, target: sheet, label: `Call sheet${dayNumber != null ? ` of day ${dayNumber}` : ""}: receipt confirmed`,
  };
}
