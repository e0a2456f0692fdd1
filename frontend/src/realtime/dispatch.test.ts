import { QueryClient } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { keys } from "../api/keys";
import type { BreakdownSuggestion, Clip, Comment, Job, MediaAsset, Scene, StoryboardTemplate } from "../api/types";
import { applyEvent } from "./dispatch";
import type { SlateEvent } from "./events";

const scene = (id: number, status: Scene["status"], order = id): Scene => ({
  id, production: 7, number: String(id), int_ext: "INT", location: "LIBRARY", time_of_day: "DAY", slugline: "INT. LIBRARY - DAY",
  synopsis: "", page_eighths: 8, script_order: order, status, script_version: null, needs_review: false, review_reason: "", version: 1, created_at: "", updated_at: "",
});
const envelope = <T extends SlateEvent>(e: Omit<T, "production" | "actor" | "at">): T =>
  ({ production: 7, actor: { id: 1, name: "Ana" }, at: "2026-11-20T10:00:00.000Z", ...e }) as T;

describe("applyEvent", () => {
  it("puts an updated scene into the cached list and its detail", () => {
    const qc = new QueryClient();
    qc.setQueryData(keys.scenes(7), [scene(1, "not_started"), scene(2, "not_started")]);
    applyEvent(qc, envelope({ id: 10, type: "scene.updated", entity: "scene", entity_id: 2, data: { ...scene(2, "completed"), version: 2 } }));
    expect(qc.getQueryData<Scene[]>(keys.scenes(7))?.map((s) => s.status)).toEqual(["not_started", "completed"]);
    expect(qc.getQueryData<Scene>(keys.scene(2))?.version).toBe(2);
  });

  it("adds created scenes in script order and removes deleted ones", () => {
    const qc = new QueryClient();
    qc.setQueryData(keys.scenes(7), [scene(1, "not_started", 0), scene(3, "not_started", 2)]);
    applyEvent(qc, envelope({ id: 11, type: "scene.created", entity: "scene", entity_id: 2, data: scene(2, "not_started", 1) }));
    applyEvent(qc, envelope({ id: 12, type: "scene.deleted", entity: "scene", entity_id: 1, data: scene(1, "not_started", 0) }));
    expect(qc.getQueryData<Scene[]>(keys.scenes(7))?.map((s) => s.id)).toEqual([2, 3]);
  });

  it("leaves lists that are not loaded alone", () => {
    const qc = new QueryClient();
    applyEvent(qc, envelope({ id: 13, type: "scene.updated", entity: "scene", entity_id: 2, data: scene(2, "completed") }));
    expect(qc.getQueryData(keys.scenes(7))).toBeUndefined();
  });

  it("applies job progress to a running job but never to a finished one", () => {
    const qc = new QueryClient();
    const job = (id: string, status: Job["status"], progress: number) => ({ id, status, progress, message: "" }) as Job;
    qc.setQueryData(keys.jobs(7), [job("a", "running", 0.1), job("b", "succeeded", 1)]);
    for (const id of ["a", "b"]) {
      applyEvent(qc, envelope({ id: null, type: "job.progress", entity: "job", entity_id: id, data: { id, kind: "media.process", status: "running", progress: 0.5, message: "Proxy" } }));
    }
    expect(qc.getQueryData<Job[]>(keys.jobs(7))?.map((j) => [j.status, j.progress])).toEqual([["running", 0.5], ["succeeded", 1]]);
  });

  it("adds stored events to a loaded activity feed once", () => {
    const qc = new QueryClient();
    qc.setQueryData(keys.events(7), []);
    const event = envelope<SlateEvent>({ id: 14, type: "scene.updated", entity: "scene", entity_id: 1, data: scene(1, "on_hold") });
    applyEvent(qc, event);
    applyEvent(qc, event);
    expect(qc.getQueryData<SlateEvent[]>(keys.events(7))?.map((e) => e.id)).toEqual([14]);
  });

  it("keeps the streamed text on the cached job: later frames without text and the final job.updated do not lose it", () => {
    const qc = new QueryClient();
    const job = { id: "w", production: 7, kind: "ai.write_scene", status: "running", progress: 0, message: "", created_at: "2026-11-20T10:00:00Z" } as Job;
    qc.setQueryData(keys.jobs(7), [job]);
    const progress = (progress: number, text?: string) => applyEvent(qc, envelope({
      id: null, type: "job.progress", entity: "job", entity_id: "w", data: { id: "w", kind: "ai.write_scene", status: "running", progress, message: "Writing", ...(text !== undefined ? { text } : {}) },
    }));
    progress(0.2, "INT. LIBRARY");
    progress(0.5, "INT. LIBRARY - NIGHT\n\nAna reads.");
    progress(0.95); // saving: no text
    expect(qc.getQueryData<Job[]>(keys.jobs(7))?.[0]).toMatchObject({ progress: 0.95, text: "INT. LIBRARY - NIGHT\n\nAna reads." });
    applyEvent(qc, envelope({ id: 20, type: "job.updated", entity: "job", entity_id: "w", data: { ...job, status: "succeeded", progress: 1 } }));
    expect(qc.getQueryData<Job[]>(keys.jobs(7))?.[0]).toMatchObject({ status: "succeeded", text: "INT. LIBRARY - NIGHT\n\nAna reads." });
  });

  it("puts breakdown suggestions into their scene's list, sorted by category then name, and updates decisions", () => {
    const qc = new QueryClient();
    const s = (id: number, category: BreakdownSuggestion["category"], name: string, status: BreakdownSuggestion["status"] = "pending") =>
      ({ id, production: 7, scene: 3, category, name, status, version: 1 }) as BreakdownSuggestion;
    qc.setQueryData(keys.breakdownSuggestions(3), [s(1, "props", "Revolver")]);
    applyEvent(qc, envelope({ id: 21, type: "breakdown_suggestion.created", entity: "breakdown_suggestion", entity_id: 2, data: s(2, "cast", "GUARD") }));
    applyEvent(qc, envelope({ id: 22, type: "breakdown_suggestion.created", entity: "breakdown_suggestion", entity_id: 4, data: s(4, "props", "Letter") }));
    applyEvent(qc, envelope({ id: 23, type: "breakdown_suggestion.updated", entity: "breakdown_suggestion", entity_id: 1, data: { ...s(1, "props", "Revolver", "accepted"), version: 2 } }));
    expect(qc.getQueryData<BreakdownSuggestion[]>(keys.breakdownSuggestions(3))?.map((x) => [x.name, x.status]))
      .toEqual([["GUARD", "pending"], ["Letter", "pending"], ["Revolver", "accepted"]]);
    expect(qc.getQueryData(keys.breakdownSuggestions(4))).toBeUndefined();
  });

  it("keeps the storyboard templates list by name", () => {
    const qc = new QueryClient();
    const t = (id: number, name: string) => ({ id, production: 7, name, template: "{shot.type}", style: "", seeds: "1", version: 1 }) as StoryboardTemplate;
    qc.setQueryData(keys.storyboardTemplates(7), [t(1, "Noir")]);
    applyEvent(qc, envelope({ id: 24, type: "storyboard_template.created", entity: "storyboard_template", entity_id: 2, data: t(2, "crane wide") }));
    applyEvent(qc, envelope({ id: 25, type: "storyboard_template.deleted", entity: "storyboard_template", entity_id: 1, data: t(1, "Noir") }));
    expect(qc.getQueryData<StoryboardTemplate[]>(keys.storyboardTemplates(7))?.map((x) => x.name)).toEqual(["crane wide"]);
  });

  it("puts a still into its shot's frames, not among the dailies", () => {
    const qc = new QueryClient();
    qc.setQueryData(keys.media(7), []);
    qc.setQueryData(keys.shotImages(5), []);
    const asset = (id: number, kind: MediaAsset["kind"], shot: number | null) =>
      ({ id, production: 7, kind, shot, status: "ready", created_at: `2026-11-20T10:00:0${id}Z` }) as MediaAsset;
    applyEvent(qc, envelope({ id: 26, type: "media_asset.created", entity: "media_asset", entity_id: 1, data: asset(1, "image", 5) }));
    applyEvent(qc, envelope({ id: 27, type: "media_asset.created", entity: "media_asset", entity_id: 2, data: asset(2, "video", null) }));
    expect(qc.getQueryData<MediaAsset[]>(keys.shotImages(5))?.map((a) => a.id)).toEqual([1]);
    expect(qc.getQueryData<MediaAsset[]>(keys.media(7))?.map((a) => a.id)).toEqual([2]);
  });

  it("puts a frame comment and its replies into the asset's notes, live", () => {
    const qc = new QueryClient();
    const target = { kind: "media_asset" as const, id: 9 };
    qc.setQueryData(keys.comments(target), []);
    const c = (id: number, frame: number | null, parent: number | null = null, created = `2026-11-20T10:00:0${id}Z`) =>
      ({ id, production: 7, media_asset: 9, scene: null, shot: null, take: null, continuity_note: null, parent, frame, frame_end: null,
        timecode: frame == null ? null : `01:00:00:${String(frame).padStart(2, "0")}`, body: "Boom in frame", resolved: false, created_at: created, version: 1 }) as unknown as Comment;
    applyEvent(qc, envelope({ id: 30, type: "comment.created", entity: "comment", entity_id: 2, data: c(2, 12) }));
    applyEvent(qc, envelope({ id: 31, type: "comment.created", entity: "comment", entity_id: 1, data: c(1, 3) }));
    applyEvent(qc, envelope({ id: 32, type: "comment.created", entity: "comment", entity_id: 3, data: c(3, null, 2) }));
    applyEvent(qc, envelope({ id: 33, type: "comment.updated", entity: "comment", entity_id: 2, data: { ...c(2, 12), resolved: true, version: 2 } }));
    const list = qc.getQueryData<Comment[]>(keys.comments(target));
    expect(list?.map((x) => [x.id, x.timecode, x.resolved])).toEqual([[1, "01:00:00:03", false], [2, "01:00:00:12", true], [3, null, false]]);
    expect(qc.getQueryData(keys.comments({ kind: "scene", id: 9 }))).toBeUndefined();
  });

  it("keeps an asset's clips live: created, rendered, deleted", () => {
    const qc = new QueryClient();
    qc.setQueryData(keys.clips(9), []);
    const clip = (id: number, status: Clip["status"], url: string | null = null) =>
      ({ id, production: 7, asset: 9, name: `Clip ${id}`, in_frame: 10, out_frame: 34, status, url, created_at: `2026-11-20T10:00:0${id}Z`, version: 1 }) as Clip;
    applyEvent(qc, envelope({ id: 40, type: "clip.created", entity: "clip", entity_id: 1, data: clip(1, "pending") }));
    applyEvent(qc, envelope({ id: 41, type: "clip.created", entity: "clip", entity_id: 2, data: clip(2, "pending") }));
    applyEvent(qc, envelope({ id: 42, type: "clip.updated", entity: "clip", entity_id: 1, data: clip(1, "ready", "/api/clips/1/file/") }));
    expect(qc.getQueryData<Clip[]>(keys.clips(9))?.map((c) => [c.id, c.status, c.url])).toEqual([[2, "pending", null], [1, "ready", "/api/clips/1/file/"]]);
    applyEvent(qc, envelope({ id: 43, type: "clip.deleted", entity: "clip", entity_id: 2, data: clip(2, "pending") }));
    expect(qc.getQueryData<Clip[]>(keys.clips(9))?.map((c) => c.id)).toEqual([1]);
    expect(qc.getQueryData(keys.clips(8))).toBeUndefined();
  });

  it("updates an asset's renditions and its place in its versions list", () => {
    const qc = new QueryClient();
    const asset = (id: number, extra: Partial<MediaAsset> = {}) =>
      ({ id, production: 7, kind: "video", shot: null, status: "processing", created_at: `2026-11-20T10:00:0${id}Z`, renditions: [], version: 1, ...extra }) as MediaAsset;
    qc.setQueryData(keys.media(7), [asset(1)]);
    qc.setQueryData(keys.mediaVersions(1), [asset(1), asset(2, { first_version: 1, version_number: 2 })]);
    const proxy = { kind: "proxy" as const, status: "ready" as const, error: "", meta: {}, url: "/api/media/2/renditions/proxy/", content_type: "video/mp4", width: 640, height: 360, size_bytes: 1 };
    applyEvent(qc, envelope({ id: 50, type: "media_asset.updated", entity: "media_asset", entity_id: 2, data: asset(2, { first_version: 1, version_number: 2, renditions: [proxy], version: 2 }) }));
    expect(qc.getQueryData<MediaAsset[]>(keys.mediaVersions(1))?.[1]?.renditions[0]?.status).toBe("ready");
    expect(qc.getQueryData<MediaAsset>(keys.mediaAsset(2))?.version).toBe(2);
  });
});
