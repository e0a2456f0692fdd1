import { QueryClient, type QueryKey } from "@tanstack/react-query";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { keys } from "../api/keys";
import type { Notification } from "../api/notifications";
import type { CallSheet, CallSheetRecipient, ShootDay, Strip } from "../api/schedule";
import type { BreakdownSuggestion, Clip, Comment, Job, MediaAsset, Scene, StoryboardTemplate } from "../api/types";
import { makeQueryClient } from "../api/queryClient";
import { applyEvent, freshest, INVALIDATE_DELAY_MS, isoMicros, onNewNotification, refetchNotCoveredByReads, refetchProduction } from "./dispatch";
import type { EntityEvent, SlateEvent } from "./events";

const scene = (id: number, status: Scene["status"], order = id): Scene => ({
  id, production: 7, number: String(id), int_ext: "INT", location: "LIBRARY", time_of_day: "DAY", slugline: "INT. LIBRARY - DAY",
  synopsis: "", page_eighths: 8, script_order: order, status, script_version: null, needs_review: false, review_reason: "", version: 1, created_at: "", updated_at: "",
});
/** An event of production 7; a stored one (with an id) gets that id as its `seq` too. */
const envelope = <T extends SlateEvent>(e: Omit<T, "production" | "actor" | "at" | "seq">): T =>
  ({ production: 7, actor: { id: 1, name: "Ana" }, at: "2026-11-20T10:00:00.000Z", seq: e.id, ...e }) as T;

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

describe("applyEvent: schedule and call sheets", () => {
  beforeEach(() => { vi.useFakeTimers(); });
  afterEach(() => { vi.useRealTimers(); });
  const invalidated = (qc: QueryClient, key: QueryKey) => qc.getQueryState(key)?.isInvalidated ?? false;
  const day = (id: number, number: number) => ({ id, production: 7, number, date: `2026-12-0${number}`, unit: "Main Unit", page_eighths: 0, scene_count: 0, version: 1 }) as ShootDay;
  const strip = (id: number, shoot_day: number, position: number) => ({ id, production: 7, shoot_day, position, kind: "scene", scene: id, text: "", version: 1 }) as Strip;
  const sheet = (id: number, production: number, shoot_day_number: number, extra: Partial<CallSheet> = {}) =>
    ({ id, production, shoot_day: id, shoot_day_number, status: "draft", revision: 0, version: 1, ...extra }) as CallSheet;

  it("keeps shoot days sorted by day number, renumbered live", () => {
    const qc = new QueryClient();
    qc.setQueryData(keys.shootDays(7), [day(1, 1), day(2, 2)]);
    applyEvent(qc, envelope({ id: 60, type: "shoot_day.created", entity: "shoot_day", entity_id: 3, data: day(3, 1) }));
    applyEvent(qc, envelope({ id: 61, type: "shoot_day.updated", entity: "shoot_day", entity_id: 1, data: day(1, 2) }));
    applyEvent(qc, envelope({ id: 62, type: "shoot_day.updated", entity: "shoot_day", entity_id: 2, data: day(2, 3) }));
    expect(qc.getQueryData<ShootDay[]>(keys.shootDays(7))?.map((d) => [d.id, d.number])).toEqual([[3, 1], [1, 2], [2, 3]]);
    applyEvent(qc, envelope({ id: 63, type: "shoot_day.deleted", entity: "shoot_day", entity_id: 2, data: day(2, 3) }));
    expect(qc.getQueryData<ShootDay[]>(keys.shootDays(7))?.map((d) => d.id)).toEqual([3, 1]);
  });

  it("moves strips live, then refetches the DOOD and this production's call sheets once, not another production's", () => {
    const qc = new QueryClient();
    qc.setQueryData(keys.strips(7), [strip(1, 10, 0), strip(2, 10, 1), strip(3, 11, 0)]);
    qc.setQueryData(keys.dood(7), { days: [], cast: [], legend: {} });
    qc.setQueryData(keys.callSheets(7), [sheet(5, 7, 1)]);
    qc.setQueryData(keys.callSheet(5), sheet(5, 7, 1));
    qc.setQueryData(keys.callSheet(9), sheet(9, 8, 1));
    qc.setQueryData(keys.dood(8), { days: [], cast: [], legend: {} });
    const spy = vi.spyOn(qc, "invalidateQueries");
    // Strip 1 moves to the end of day 11; day 10 renumbers.
    applyEvent(qc, envelope({ id: 64, type: "strip.updated", entity: "strip", entity_id: 1, data: strip(1, 11, 1) }));
    applyEvent(qc, envelope({ id: 65, type: "strip.updated", entity: "strip", entity_id: 2, data: strip(2, 10, 0) }));
    const strips = qc.getQueryData<Strip[]>(keys.strips(7)) ?? [];
    const dayOf = (d: number) => strips.filter((s) => s.shoot_day === d).map((s) => s.id);
    expect([dayOf(10), dayOf(11)]).toEqual([[2], [3, 1]]);
    expect(invalidated(qc, keys.dood(7))).toBe(false); // gathered first
    vi.advanceTimersByTime(INVALIDATE_DELAY_MS);
    expect(spy).toHaveBeenCalledTimes(1);
    expect([invalidated(qc, keys.dood(7)), invalidated(qc, keys.callSheets(7)), invalidated(qc, keys.callSheet(5))]).toEqual([true, true, true]);
    expect([invalidated(qc, keys.dood(8)), invalidated(qc, keys.callSheet(9)), invalidated(qc, keys.strips(7))]).toEqual([false, false, false]);
  });

  it("a shoot day change (date, renumbering) makes the production's call sheets and DOOD stale", () => {
    const qc = new QueryClient();
    qc.setQueryData(keys.callSheets(7), [sheet(5, 7, 1)]);
    qc.setQueryData(keys.dood(7), { days: [], cast: [], legend: {} });
    applyEvent(qc, envelope({ id: 66, type: "shoot_day.updated", entity: "shoot_day", entity_id: 1, data: day(1, 2) }));
    vi.advanceTimersByTime(INVALIDATE_DELAY_MS);
    expect(invalidated(qc, keys.callSheets(7))).toBe(true);
    expect(invalidated(qc, keys.dood(7))).toBe(true);
  });

  it("puts a published call sheet into the list and its detail, refetches its revisions and shows it in the activity feed", () => {
    const qc = new QueryClient();
    qc.setQueryData(keys.callSheets(7), [sheet(6, 7, 2), sheet(5, 7, 1)]);
    qc.setQueryData(keys.callSheet(5), sheet(5, 7, 1));
    qc.setQueryData(keys.callSheetRevisions(5), []);
    qc.setQueryData(keys.events(7), []);
    const published = sheet(5, 7, 1, { status: "published", revision: 1, version: 2 });
    applyEvent(qc, envelope({ id: 67, type: "callsheet.published", entity: "callsheet", entity_id: 5, data: published }));
    expect(qc.getQueryData<CallSheet[]>(keys.callSheets(7))?.map((c) => [c.id, c.status])).toEqual([[5, "published"], [6, "draft"]]);
    expect(qc.getQueryData<CallSheet>(keys.callSheet(5))?.revision).toBe(1);
    expect(invalidated(qc, keys.callSheetRevisions(5))).toBe(true);
    expect(qc.getQueryData<EntityEvent[]>(keys.events(7))?.map((e) => e.type)).toEqual(["callsheet.published"]);
  });

  it("edits and deletes of a call sheet reach the list and the detail", () => {
    const qc = new QueryClient();
    qc.setQueryData(keys.callSheets(7), [sheet(5, 7, 1)]);
    qc.setQueryData(keys.callSheet(5), sheet(5, 7, 1));
    applyEvent(qc, envelope({ id: 68, type: "callsheet.updated", entity: "callsheet", entity_id: 5, data: sheet(5, 7, 1, { status: "changed", crew_call: "06:30", version: 3 }) }));
    expect(qc.getQueryData<CallSheet>(keys.callSheet(5))?.crew_call).toBe("06:30");
    applyEvent(qc, envelope({ id: 69, type: "callsheet.deleted", entity: "callsheet", entity_id: 5, data: sheet(5, 7, 1) }));
    expect(qc.getQueryData(keys.callSheets(7))).toEqual([]);
    expect(qc.getQueryData(keys.callSheet(5))).toBeUndefined();
  });

  it("updates a recipient's seen/confirmed state in its call sheet's distribution list", () => {
    const qc = new QueryClient();
    const r = (id: number, confirmed_at: string | null) =>
      ({ id, call_sheet: 5, user: id, name: `Crew ${id}`, role: "crew", revision: 1, notified_at: "x", seen_at: null, confirmed_at, confirmed_revision: confirmed_at ? 1 : null }) as CallSheetRecipient;
    qc.setQueryData(keys.callSheetRecipients(5), [r(1, null), r(2, null)]);
    applyEvent(qc, envelope({ id: 70, type: "callsheet_recipient.updated", entity: "callsheet_recipient", entity_id: 2, data: r(2, "2026-12-01T06:00:00Z") }));
    applyEvent(qc, envelope({ id: 71, type: "callsheet_recipient.created", entity: "callsheet_recipient", entity_id: 3, data: r(3, null) }));
    expect(qc.getQueryData<CallSheetRecipient[]>(keys.callSheetRecipients(5))?.map((x) => [x.id, x.confirmed_revision])).toEqual([[1, null], [2, 1], [3, null]]);
    expect(qc.getQueryData(keys.callSheetRecipients(6))).toBeUndefined();
  });
});

describe("applyEvent: the user's notifications", () => {
  beforeEach(() => { vi.useFakeTimers(); });
  afterEach(() => { vi.useRealTimers(); });
  const note = (id: number, read_at: string | null = null, production = 99): Notification => ({
    id, production, production_title: "Night Shift", kind: "callsheet_published", title: `Call sheet day ${id}`, body: "", url: `/productions/${production}/call-sheets/1`,
    entity: "callsheet", entity_id: 1, actor: { id: 2, name: "Ana" }, created_at: `2026-12-01T06:00:0${id}Z`, read_at,
  });
  // A user event: no id, and a production the tab need not have open.
  const event = (type: "notification.created" | "notification.updated", n: Notification): SlateEvent =>
    ({ id: null, type, production: n.production ?? 0, entity: "notification", entity_id: n.id, data: n, actor: null, at: n.created_at }) as SlateEvent;

  it("prepends a new one to every cached list and bumps the unread count once, whatever production is open", () => {
    const qc = new QueryClient();
    qc.setQueryData(keys.notifications, [note(1)]);
    qc.setQueryData([...keys.notifications, { unread: true }], [note(1)]);
    qc.setQueryData(keys.unreadCount, 1);
    qc.setQueryData(keys.events(99), []);
    applyEvent(qc, event("notification.created", note(2)));
    applyEvent(qc, event("notification.created", note(2))); // the same one again (another socket of this tab's past)
    expect(qc.getQueryData<Notification[]>(keys.notifications)?.map((n) => n.id)).toEqual([2, 1]);
    expect(qc.getQueryData<Notification[]>([...keys.notifications, { unread: true }])?.map((n) => n.id)).toEqual([2, 1]);
    expect(qc.getQueryData(keys.unreadCount)).toBe(2);
    expect(qc.getQueryData(keys.events(99))).toEqual([]); // not an activity of the production
  });

  it("does not invent a count or a list that was never fetched", () => {
    const qc = new QueryClient();
    applyEvent(qc, event("notification.created", note(3)));
    expect(qc.getQueryData(keys.unreadCount)).toBeUndefined();
    expect(qc.getQueryData(keys.notifications)).toBeUndefined();
  });

  it("tells the listeners (the bell's toast) about each new notification once", () => {
    const qc = new QueryClient();
    qc.setQueryData(keys.notifications, []);
    const seen: number[] = [];
    const stop = onNewNotification((n) => seen.push(n.id));
    applyEvent(qc, event("notification.created", note(4)));
    applyEvent(qc, event("notification.created", note(4)));
    applyEvent(qc, event("notification.updated", note(4, "2026-12-01T07:00:00Z")));
    stop();
    applyEvent(qc, event("notification.created", note(5)));
    expect(seen).toEqual([4]);
  });

  it("replaces an updated one (read in another tab) and refetches the unread count", () => {
    const qc = new QueryClient();
    qc.setQueryData(keys.notifications, [note(2), note(1)]);
    qc.setQueryData(keys.unreadCount, 2);
    applyEvent(qc, event("notification.updated", note(1, "2026-12-01T07:00:00Z")));
    applyEvent(qc, event("notification.updated", note(2, "2026-12-01T07:00:00Z")));
    expect(qc.getQueryData<Notification[]>(keys.notifications)?.map((n) => n.read_at !== null)).toEqual([true, true]);
    vi.advanceTimersByTime(INVALIDATE_DELAY_MS);
    expect(qc.getQueryState(keys.unreadCount)?.isInvalidated).toBe(true);
  });

  it("a resync refetches the notifications (never replayed) with the production's data", () => {
    const qc = new QueryClient();
    for (const key of [keys.notifications, keys.unreadCount, keys.callSheet(5), keys.shootDays(7), keys.shootDays(8)]) qc.setQueryData(key, []);
    refetchProduction(qc, 7);
    const state = (key: QueryKey) => qc.getQueryState(key)?.isInvalidated;
    expect([state(keys.notifications), state(keys.unreadCount), state(keys.callSheet(5)), state(keys.shootDays(7)), state(keys.shootDays(8))])
      .toEqual([true, true, true, true, false]);
  });
});

describe("a person's contact details, which no event carries", () => {
  it("keeps the phone and email this screen fetched over a live change, then fetches the list again", () => {
    vi.useFakeTimers();
    const qc = new QueryClient();
    const actor = { id: 4, production: 7, name: "Ines Quarry", cast_id: 3, email: "ines@example.com", phone: "+34 600 000 000", version: 1 };
    qc.setQueryData(keys.castMembers(7), [actor]);
    applyEvent(qc, envelope({ id: 11, type: "cast_member.updated", entity: "cast_member", entity_id: 4,
      data: { ...actor, name: "Inés Quarry", email: "", phone: "", version: 2 } } as never));
    const [shown] = qc.getQueryData<(typeof actor)[]>(keys.castMembers(7)) ?? [];
    expect([shown?.name, shown?.email, shown?.phone, shown?.version]).toEqual(["Inés Quarry", "ines@example.com", "+34 600 000 000", 2]);
    expect(qc.getQueryState(keys.castMembers(7))?.isInvalidated).toBe(false);
    vi.advanceTimersByTime(INVALIDATE_DELAY_MS);
    expect(qc.getQueryState(keys.castMembers(7))?.isInvalidated).toBe(true); // a cleared or changed contact comes from REST
    vi.useRealTimers();
  });
});

describe("a call sheet's key contacts, whose phones no event carries", () => {
  it("keeps the phones this screen fetched over a live change, then fetches the sheet again", () => {
    vi.useFakeTimers();
    const qc = new QueryClient();
    const fetched = { id: 5, production: 7, shoot_day: 5, shoot_day_number: 1, status: "draft", revision: 0, version: 1,
      key_contacts: [{ role: "UPM", name: "Lee", phone: "+44 7700 900123" }, { role: "Locations", name: "Ola", phone: "555-0101" }] } as CallSheet;
    qc.setQueryData(keys.callSheet(5), fetched);
    applyEvent(qc, envelope({ id: 12, type: "callsheet.updated", entity: "callsheet", entity_id: 5, data: { ...fetched, safety_notes: "Wet deck", version: 2,
      key_contacts: [{ role: "UPM", name: "Lee", phone: "" }, { role: "Transport", name: "Ola", phone: "" }, { role: "Medic", name: "Kim", phone: "" }] } }));
    const shown = qc.getQueryData<CallSheet>(keys.callSheet(5));
    // The same row keeps its phone; a row that changed, or is new, shows none until REST says.
    expect([shown?.safety_notes, shown?.version, shown?.key_contacts?.map((k) => k.phone)]).toEqual(["Wet deck", 2, ["+44 7700 900123", "", ""]]);
    expect(qc.getQueryState(keys.callSheet(5))?.isInvalidated).toBe(false);
    vi.advanceTimersByTime(INVALIDATE_DELAY_MS);
    expect(qc.getQueryState(keys.callSheet(5))?.isInvalidated).toBe(true);
    vi.useRealTimers();
  });

  it("takes the event as it is when there was no phone to keep", () => {
    const qc = new QueryClient();
    const data = { id: 6, production: 7, shoot_day: 6, shoot_day_number: 2, status: "draft", revision: 0, version: 2, key_contacts: [{ role: "UPM", name: "Lee", phone: "" }] } as CallSheet;
    applyEvent(qc, envelope({ id: 13, type: "callsheet.updated", entity: "callsheet", entity_id: 6, data }));
    expect(qc.getQueryData(keys.callSheet(6))).toEqual(data);
  });
});

describe("joining from the first reads' position", () => {
  it("refetches only what those reads do not cover: restored data not read since, and the notifications", () => {
    const qc = new QueryClient();
    const loaded = performance.timeOrigin;
    qc.setQueryData(keys.scenes(7), [], { updatedAt: loaded - 60_000 }); // restored from the kept cache
    qc.setQueryData(keys.production(7), { id: 7 }, { updatedAt: loaded + 10 }); // read since the page loaded
    qc.setQueryData(keys.callSheet(5), { id: 5 }, { updatedAt: loaded - 60_000 }); // restored, kept fresh by production events
    qc.setQueryData(keys.scenes(8), [], { updatedAt: loaded - 60_000 }); // another production's
    qc.setQueryData(keys.unreadCount, 2, { updatedAt: loaded + 10 });
    refetchNotCoveredByReads(qc, 7);
    const state = (key: QueryKey) => qc.getQueryState(key)?.isInvalidated;
    expect([state(keys.scenes(7)), state(keys.production(7)), state(keys.callSheet(5)), state(keys.scenes(8)), state(keys.unreadCount)])
      .toEqual([true, false, true, false, true]);
  });
});

describe("freshest: no fetch takes the cache back in time", () => {
  const job = (status: Job["status"], progress: number): Job => ({
    id: "j1", production: 7, kind: "media.process", status, progress, message: "", params: {}, result: {}, error: "", attempts: 1,
    cancel_requested: false, retryable: status === "failed", created_by: 1, created_at: "2026-12-01T10:00:00Z", updated_at: "2026-12-01T10:00:00Z", started_at: null, finished_at: null,
  });

  it("keeps a finished job finished when a fetch that left earlier answers 'running'", async () => {
    const qc = makeQueryClient();
    let answer!: (jobs: Job[]) => void;
    const fetching = qc.fetchQuery({ queryKey: keys.jobs(7), queryFn: () => new Promise<Job[]>((resolve) => { answer = resolve; }) });
    await Promise.resolve();
    qc.setQueryData(keys.jobs(7), [job("running", 0.4)]);
    applyEvent(qc, envelope({ id: 12, type: "job.updated", entity: "job", entity_id: "j1", data: job("succeeded", 1) }));
    answer([job("running", 0.6)]); // the REST list as it was when the request left
    await fetching;
    expect(qc.getQueryData<Job[]>(keys.jobs(7))?.map((j) => j.status)).toEqual(["succeeded"]);
  });

  it("keeps the higher version of an object, in a list or alone, and takes anything newer", () => {
    expect(freshest([scene(1, "completed")].map((s) => ({ ...s, version: 3 })), [{ ...scene(1, "not_started"), version: 2 }, scene(2, "not_started")]))
      .toEqual([{ ...scene(1, "completed"), version: 3 }, scene(2, "not_started")]);
    expect(freshest({ ...scene(1, "completed"), version: 3 }, { ...scene(1, "in_progress"), version: 4 })).toEqual({ ...scene(1, "in_progress"), version: 4 });
    expect(freshest([job("succeeded", 1)], [job("running", 0.5)])).toEqual([job("succeeded", 1)]);
    expect(freshest(undefined, [job("running", 0.5)])).toEqual([job("running", 0.5)]);
  });

  const at = (j: Job, updated_at: string): Job => ({ ...j, updated_at });

  it("takes a retried job back from failed to pending, running and succeeded as its job.updated events arrive", () => {
    const qc = makeQueryClient();
    qc.setQueryData(keys.jobs(7), [at(job("failed", 0.3), "2026-12-01T10:00:05.100000Z")]);
    const updated = (id: number, j: Job) => applyEvent(qc, envelope({ id, type: "job.updated", entity: "job", entity_id: "j1", data: j }));
    const shown = () => qc.getQueryData<Job[]>(keys.jobs(7))?.map((j) => [j.status, j.retryable]);
    updated(20, at(job("pending", 0), "2026-12-01T10:01:00.000001Z"));
    expect(shown()).toEqual([["pending", false]]);
    updated(21, at(job("running", 0), "2026-12-01T10:01:00.5Z"));
    applyEvent(qc, envelope({ id: null, type: "job.progress", entity: "job", entity_id: "j1", data: { id: "j1", kind: "media.process", status: "running", progress: 0.5, message: "Making the web proxy" } }));
    expect(qc.getQueryData<Job[]>(keys.jobs(7))?.map((j) => [j.status, j.progress])).toEqual([["running", 0.5]]);
    updated(22, at(job("succeeded", 1), "2026-12-01T10:01:09Z"));
    expect(shown()).toEqual([["succeeded", false]]);
  });

  it("keeps the retried job when a fetch that left before the retry answers 'failed', and the later save of the same job", () => {
    const pending = at(job("pending", 0), "2026-12-01T10:01:00.000002Z");
    expect(freshest([pending], [at(job("failed", 0.3), "2026-12-01T10:01:00.000001Z")])).toEqual([pending]);
    expect(freshest([pending], [at(job("failed", 0.3), "2026-12-01T10:02:00Z")])).toEqual([at(job("failed", 0.3), "2026-12-01T10:02:00Z")]);
    // at the same save, a job that ended stays ended (a job.progress frame changed the cache, not updated_at)
    expect(freshest([at(job("failed", 0.3), "2026-12-01T10:01:00Z")], [at(job("running", 0.3), "2026-12-01T10:01:00.000Z")]))
      .toEqual([at(job("failed", 0.3), "2026-12-01T10:01:00Z")]);
  });

  it("orders times by their microseconds, which Date.parse drops", () => {
    expect(isoMicros("2026-12-01T10:01:00.000002Z") - isoMicros("2026-12-01T10:01:00.000001Z")).toBe(1);
    expect(isoMicros("2026-12-01T10:01:00Z")).toBe(isoMicros("2026-12-01T10:01:00.000000Z"));
    expect(isoMicros("2026-12-01T11:01:00.25+01:00")).toBe(isoMicros("2026-12-01T10:01:00.250Z"));
  });
});
