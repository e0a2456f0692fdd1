import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

// Each test gets fresh modules: the page's answers are read once per page load.
async function fresh() {
  vi.resetModules();
  const firstReads = await import("./firstReads");
  const client = await import("./client");
  const positions = await import("../realtime/positions");
  return { ...firstReads, ...client, ...positions };
}

function pageCarries(json: string) {
  const element = document.createElement("script");
  element.type = "application/json";
  element.id = "slate-first-reads";
  element.textContent = json;
  document.body.appendChild(element);
}

const SCENES = "/api/scenes/?production=5&ordering=script_order&page_size=500";
const scenesPage = { count: 1, next: null, previous: null, results: [{ id: 9, location: "SUMMIT \u003C/script\u003E" }] };

beforeEach(() => {
  window.history.replaceState({}, "", "/productions/5/board");
  pageCarries(JSON.stringify({ reads: [
    { url: "/api/auth/me/", position: 41, body: { id: 1, username: "dana" } },
    { url: SCENES, position: 41, body: scenesPage },
    { url: "/elsewhere/", position: 1, body: {} },
    { url: "/api/productions/5/", position: "41", body: { id: 5 } },
    { position: 1, body: {} },
  ] }));
});

afterEach(() => {
  document.getElementById("slate-first-reads")?.remove();
  vi.unstubAllGlobals();
});

describe("takeFirstRead", () => {
  it("answers each URL of the page once, as the server wrote it, and leaves the rest to the API", async () => {
    const { takeFirstRead } = await fresh();
    expect(takeFirstRead("/api/auth/me/", 0)).toEqual({ body: { id: 1, username: "dana" }, position: 41 });
    expect(takeFirstRead("/api/auth/me/", 1)).toBeUndefined(); // a refetch asks the API
    expect(takeFirstRead(SCENES, 2)?.body).toEqual(scenesPage);
    expect(takeFirstRead("/api/scenes/?production=5", 3)).toBeUndefined(); // exactly the URL asked, nothing like it
    expect(takeFirstRead("/elsewhere/", 4)).toBeUndefined(); // only API answers
    expect(takeFirstRead("/api/productions/5/", 5)).toEqual({ body: { id: 5 }, position: null }); // a position that is not one
    expect(document.getElementById("slate-first-reads")).toBeNull();
  });

  it("serves only the start-up: nothing once FIRST_READS_FOR_MS have passed since the first read", async () => {
    const { takeFirstRead, FIRST_READS_FOR_MS } = await fresh();
    expect(takeFirstRead("/api/auth/me/", 1000)).toBeDefined();
    expect(takeFirstRead(SCENES, 1000 + FIRST_READS_FOR_MS + 1)).toBeUndefined();
    expect(takeFirstRead("/api/productions/5/", 1000)).toBeUndefined(); // dropped, not kept for later
  });

  it("gives nothing for a page whose element does not parse, and nothing left once the user changes", async () => {
    document.getElementById("slate-first-reads")!.remove();
    pageCarries('{"reads": [{"url": "/api/auth/me/", "body": ');
    let reads = await fresh();
    expect(reads.takeFirstRead("/api/auth/me/", 0)).toBeUndefined();

    document.getElementById("slate-first-reads")?.remove();
    pageCarries(JSON.stringify({ reads: [{ url: "/api/auth/me/", position: null, body: { id: 1 } }] }));
    reads = await fresh();
    reads.forgetFirstReads();
    expect(reads.takeFirstRead("/api/auth/me/", 0)).toBeUndefined();
  });
});

describe("api() with the page's answers", () => {
  it("answers from the page without a request, and the stream later starts from the answer's position", async () => {
    const fetch = vi.fn(async () => new Response("{}", { status: 500 }));
    vi.stubGlobal("fetch", fetch);
    const { api, startFor } = await fresh();

    expect(await api(SCENES)).toEqual(scenesPage);
    expect(fetch).not.toHaveBeenCalled();
    expect(startFor(5)).toBe(41);
  });

  it("asks the API when the stream has already gone past the answer, or for a write", async () => {
    const fetch = vi.fn(async () => new Response(JSON.stringify({ fresh: true }), { status: 200, headers: { "Slate-Stream-Seq": "50" } }));
    vi.stubGlobal("fetch", fetch);
    const { api, setStreamFloor } = await fresh();
    setStreamFloor({ appliedSeq: () => 45 }); // joined, and applied events after the page's 41

    expect(await api(SCENES)).toEqual({ fresh: true });
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(await api("/api/auth/me/", { method: "POST", json: {} })).toEqual({ fresh: true });
    expect(fetch).toHaveBeenCalledTimes(2);
    setStreamFloor(null);
  });
});

describe("start-up with the page's answers", () => {
  it("knows who is signed in without asking, and drops the page's other answers when someone else signs in", async () => {
    const fetch = vi.fn(async () => new Response("{}", { status: 500 }));
    vi.stubGlobal("fetch", fetch);
    const { takeFirstRead } = await fresh();
    const { askWhoIsSignedIn } = await import("../pwa/OfflineQueryClientProvider");
    const { keepOffline } = await import("../pwa/persist");
    const { makeQueryClient } = await import("./queryClient");
    const { keys } = await import("./keys");

    const dana = await askWhoIsSignedIn();
    expect(dana).toEqual({ id: 1, username: "dana" });
    expect(fetch).not.toHaveBeenCalled();

    const client = makeQueryClient();
    keepOffline(client, async () => {});
    client.setQueryData(keys.me, dana);
    client.setQueryData(keys.me, { id: 2, username: "sam" }); // Sam signs in on the same tablet
    expect(takeFirstRead(SCENES)).toBeUndefined(); // Dana's scenes are not Sam's answer
  });
});
