import { QueryClient } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { keys } from "../api/keys";
import type { Job, Scene } from "../api/types";
import { applyEvent } from "./dispatch";
import type { SlateEvent } from "./events";

const scene = (id: number, status: Scene["status"], order = id): Scene => ({
  id, production: 7, number: String(id), int_ext: "INT", location: "LIBRARY", time_of_day: "DAY", slugline: "INT. LIBRARY - DAY",
  synopsis: "", page_eighths: 8, script_order: order, status, script_version: null, version: 1, created_at: "", updated_at: "",
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
});
