import { act, cleanup, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { INVALIDATE_DELAY_MS, applyEvent } from "../../realtime/dispatch";
import type { EntityEvent } from "../../realtime/events";
import type { Take } from "../../api/types";
import { BoardVsShot } from "./BoardVsShot";
import { asset, serve, show } from "./fixtures.test-helper";

afterEach(() => { cleanup(); vi.unstubAllGlobals(); });

describe("BoardVsShot", () => {
  it("shows the shot's frames next to the filmed take's poster, and fetches again when a take of the shot is circled", async () => {
    let filmed: unknown = null;
    const calls = serve({ "GET /api/shots/12/board/": () => [200, { frames: [asset(501)], filmed }] });
    const qc = show("/productions/4/lookdev", <BoardVsShot shot={12} />);
    await screen.findByTestId("board-frame");
    expect(screen.getByRole("img", { name: "Storyboard frame frame-501.png" }).getAttribute("src")).toBe("/media/frame-501.png");
    expect(screen.getByTestId("board-vs-shot").textContent).toContain("Not filmed yet");

    filmed = { take: { id: 9, number: 3 }, poster_url: "/media/take-9-poster.jpg" };
    const take = { id: 9, production: 4, scene: 3, shot: 12, number: 3, circled: true, version: 2 } as Take;
    act(() => applyEvent(qc, { id: 1, seq: 1, type: "take.updated", production: 4, entity: "take", entity_id: 9, data: take, actor: null, at: "" } as EntityEvent));
    const poster = await screen.findByTestId("board-filmed-poster", {}, { timeout: INVALIDATE_DELAY_MS + 2000 });
    expect(poster.getAttribute("src")).toBe("/media/take-9-poster.jpg");
    expect(poster.getAttribute("alt")).toBe("Poster of take 3");
    await waitFor(() => expect(calls.filter((c) => c.route === "GET /api/shots/12/board/")).toHaveLength(2));
  }, 20_000);
});
