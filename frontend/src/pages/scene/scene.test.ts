import { describe, expect, it } from "vitest";
import type { Comment } from "../../api/types";
import { threads } from "./CommentThread";
import { MAX_PHOTO_BYTES, photoProblem } from "./photo";
import { othersHere } from "./presence";
import { when } from "./time";

describe("photoProblem", () => {
  it("refuses empty, over 25 MiB and non-image types; accepts JPEG and an unknown type", () => {
    expect(photoProblem({ size: 0, type: "image/jpeg", name: "a.jpg" })).toMatch(/empty/);
    expect(photoProblem({ size: MAX_PHOTO_BYTES + 1, type: "image/jpeg", name: "a.jpg" })).toMatch(/limit is 25 MiB/);
    expect(photoProblem({ size: 100, type: "image/heic", name: "a.heic" })).toMatch(/JPEG, PNG or WebP/);
    expect(photoProblem({ size: MAX_PHOTO_BYTES, type: "image/jpeg", name: "a.jpg" })).toBeNull();
    expect(photoProblem({ size: 100, type: "", name: "a" })).toBeNull();
  });
});

describe("othersHere", () => {
  const entry = (connection: string, id: number, name: string, scene: number | string | null) =>
    ({ connection, user: { id, name }, where: scene === null ? null : { scene }, at: 0 });
  it("keeps other people on this scene, once each, leaving out the viewer", () => {
    const people = othersHere([
      entry("a", 1, "Me Myself", 7), entry("b", 2, "Zoe Ko", 7), entry("c", 2, "Zoe Ko", "7"), entry("d", 3, "Ana Ruiz", 7),
      entry("e", 4, "Elsewhere", 8), entry("f", 5, "Nowhere", null),
    ], 7, 1);
    expect(people).toEqual([{ id: 3, name: "Ana Ruiz", initials: "AR" }, { id: 2, name: "Zoe Ko", initials: "ZK" }]);
    expect(othersHere(undefined, 7, 1)).toEqual([]);
  });
});

describe("threads", () => {
  const c = (id: number, parent: number | null, at: string): Comment => ({
    id, parent, created_at: at, production: 1, author: 1, author_name: "A", scene: 1, shot: null, take: null, continuity_note: null,
    media_asset: null, frame: null, timecode: null, body: "", resolved: false, mentions: [], version: 1, updated_at: at,
  });
  it("nests replies one level under their root, in time order", () => {
    const out = threads([c(3, 1, "2026-01-01T10:03"), c(1, null, "2026-01-01T10:00"), c(2, null, "2026-01-01T10:01"), c(4, 3, "2026-01-01T10:04")]);
    expect(out.map((t) => [t.root.id, t.replies.map((r) => r.id)])).toEqual([[1, [3, 4]], [2, []]]);
  });
});

describe("when", () => {
  const now = new Date("2026-11-20T15:00:00");
  it("reads like people talk", () => {
    expect(when("2026-11-20T14:59:40", now)).toBe("just now");
    expect(when("2026-11-20T14:55:00", now)).toBe("5 min ago");
    expect(when("2026-11-20T09:05:00", now)).toMatch(/09.05|9.05/);
    expect(when("2026-11-18T09:05:00", now)).toMatch(/18/);
    expect(when("nonsense", now)).toBe("");
  });
});
