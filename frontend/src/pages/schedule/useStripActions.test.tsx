import { QueryClientProvider } from "@tanstack/react-query";
import { cleanup, renderHook, waitFor } from "@testing-library/react";
import type { ReactNode } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { keys } from "../../api/keys";
import { makeQueryClient } from "../../api/queryClient";
import type { Strip } from "../../api/schedule";
import type { Scene } from "../../api/types";
import { stripsByDay } from "./strips";
import { useStripActions } from "./useStripActions";

const strip = (over: Partial<Strip>): Strip => ({
  id: 1, production: 4, shoot_day: 10, position: 0, kind: "scene", scene: 100, text: "", scene_number: "1", int_ext: "INT",
  time_of_day: "DAY", location: "KITCHEN", page_eighths: 8, cast_ids: [], synopsis: "", version: 3, ...over,
});
const scene: Scene = {
  id: 300, production: 4, number: "30", int_ext: "EXT", location: "PIER", time_of_day: "NIGHT", slugline: "", synopsis: "", page_eighths: 4,
  script_order: 0, status: "not_started", script_version: null, needs_review: false, review_reason: "", version: 1, created_at: "", updated_at: "",
};

/** Day 10: strips 1, 2; day 20: strips 3, 4. The server answers every write with `answer` (the strip as saved). */
function setUp(answer: (body: Record<string, unknown>) => unknown) {
  const sent: { path: string; body: Record<string, unknown> }[] = [];
  vi.stubGlobal("fetch", vi.fn(async (path: string, init: RequestInit) => {
    const body = JSON.parse(String(init.body)) as Record<string, unknown>;
    sent.push({ path, body });
    return new Response(JSON.stringify(answer(body)), { status: 200, headers: { "Content-Type": "application/json" } });
  }));
  const qc = makeQueryClient();
  qc.setQueryData(keys.strips(4), [
    strip({ id: 1, scene: 101 }), strip({ id: 2, scene: 102, position: 1 }),
    strip({ id: 3, scene: 103, shoot_day: 20 }), strip({ id: 4, scene: 104, shoot_day: 20, position: 1 }),
  ]);
  const wrapper = ({ children }: { children: ReactNode }) => <QueryClientProvider client={qc}>{children}</QueryClientProvider>;
  const { result } = renderHook(() => useStripActions(4), { wrapper });
  const order = (day: number) => (stripsByDay(qc.getQueryData<Strip[]>(keys.strips(4)) ?? []).get(day) ?? []).map((s) => [s.id, s.position]);
  return { actions: result.current, sent, order };
}

afterEach(() => { cleanup(); vi.unstubAllGlobals(); });

describe("useStripActions: the end of a day", () => {
  it("moves a strip to the end of another day without sending a position (was Number.MAX_SAFE_INTEGER, refused by the server)", async () => {
    const { actions, sent, order } = setUp(() => strip({ id: 1, scene: 101, shoot_day: 20, position: 2, version: 4 }));
    actions.move(strip({ id: 1, scene: 101 }), 20);
    expect(order(20)).toEqual([[3, 0], [4, 1], [1, 2]]); // at once, before the answer
    expect(order(10)).toEqual([[2, 0]]);
    await waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]).toEqual({ path: "/api/strips/1/move/", body: { shoot_day: 20, version: 3 } });
  });

  it("still sends the place a drop gives", async () => {
    const { actions, sent } = setUp(() => strip({ id: 1, scene: 101, shoot_day: 20, position: 0, version: 4 }));
    actions.move(strip({ id: 1, scene: 101 }), 20, 0);
    await waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]?.body).toEqual({ shoot_day: 20, position: 0, version: 3 });
  });

  it("schedules a pool scene at the end of a day without sending a position", async () => {
    const { actions, sent, order } = setUp(() => strip({ id: 9, scene: 300, shoot_day: 10, position: 2, version: 1 }));
    actions.schedule(scene, 10, undefined);
    expect(order(10)).toEqual([[1, 0], [2, 1], [-1, 2]]);
    await waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]).toEqual({ path: "/api/strips/", body: { production: 4, shoot_day: 10, kind: "scene", scene: 300 } });
    await waitFor(() => expect(order(10)).toEqual([[1, 0], [2, 1], [9, 2]]));
  });
});
