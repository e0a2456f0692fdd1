// The kept query cache: what goes into IndexedDB (fake-indexeddb, a full IndexedDB in memory, under the real `idb`
// storage and TanStack's real persister), what comes back, and whose it is.
import "fake-indexeddb/auto";
import { QueryClient, type QueryKey } from "@tanstack/react-query";
import { persistQueryClientRestore, persistQueryClientSave } from "@tanstack/react-query-persist-client";
import { beforeEach, describe, expect, it } from "vitest";
import { keys } from "../api/keys";
import { makeQueryClient } from "../api/queryClient";
import { checkRestoredOwner } from "./OfflineQueryClientProvider";
import { BUSTER, KEPT_QUERIES, MAX_AGE_MS, STORAGE_KEY, forgetOfflineData, idbStorage, keepOffline, offlinePersistOptions, persistNow, shouldPersistQuery } from "./persist";

const alice = { id: 7, username: "alice", email: "a@example.com", name: "Alice", display_name: "Alice Moreau", email_verified: true };
const bob = { ...alice, id: 8, username: "bob", display_name: "Bob Okafor" };

/** A client as the app has it after visiting the board, a scene page, the take log, a call sheet and the dailies. */
function visited(user: typeof alice | null = alice): QueryClient {
  const client = makeQueryClient();
  keepOffline(client);
  client.setQueryData(keys.me, user);
  client.setQueryData(keys.productions, [{ id: 1, title: "Night Shift" }]);
  client.setQueryData(keys.production(1), { id: 1, title: "Night Shift" });
  client.setQueryData(keys.scenes(1), [{ id: 11, number: "1" }, { id: 12, number: "2" }]);
  client.setQueryData(keys.scene(11), { id: 11, number: "1", synopsis: "Rain on the roof." });
  client.setQueryData(keys.shots(11), [{ id: 21 }]);
  client.setQueryData(keys.takes(11), [{ id: 31, number: 1, circled: true }]);
  client.setQueryData(keys.notes(11), [{ id: 41, text: "Coffee cup in left hand" }]);
  client.setQueryData(keys.callSheet(5), { id: 5, crew_call: "07:00" });
  client.setQueryData(["day-report", 1, 3], { takes: 10 });
  // Not kept:
  client.setQueryData(keys.media(1), [{ id: 51, original_name: "A001C003.mov" }]);
  client.setQueryData(keys.scriptVersion(61), { id: 61, text: "INT. ROOF - NIGHT\n".repeat(5000) });
  client.setQueryData(keys.jobs(1), [{ id: "j1" }]);
  client.setQueryData(keys.notifications, [{ id: 71 }]);
  client.setQueryData(keys.events(1), [{ id: 81 }]);
  return client;
}

const restoreInto = async (client: QueryClient = makeQueryClient(), options = offlinePersistOptions()) => {
  await persistQueryClientRestore({ ...options, queryClient: client });
  return client;
};
const cachedKeys = (client: QueryClient) => client.getQueryCache().getAll().map((q) => q.queryKey).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
const save = (client: QueryClient, options = offlinePersistOptions()) => persistQueryClientSave({ ...options, queryClient: client });
const stored = () => idbStorage.getItem(STORAGE_KEY);

beforeEach(async () => {
  await forgetOfflineData();
});

describe("what is kept", () => {
  it("keeps the board, the scene pages, the take log and call sheets, and drops media, scripts, jobs and notifications", async () => {
    await save(visited());

    const restored = await restoreInto();

    const expected: QueryKey[] = [
      ["call-sheet", 5], ["day-report", 1, 3], ["continuity-notes", 11], ["me"], ["production", 1], ["productions"],
      ["scene", 11], ["scenes", 1], ["shots", 11], ["takes", 11],
    ];
    expect(cachedKeys(restored)).toEqual(expected.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))));
    expect(restored.getQueryData(keys.scene(11))).toEqual({ id: 11, number: "1", synopsis: "Rain on the roof." });
    expect(restored.getQueryData(keys.takes(11))).toEqual([{ id: 31, number: 1, circled: true }]);
    expect(restored.getQueryData(keys.me)).toEqual(alice);
    expect((await stored())!.length).toBeLessThan(5000); // the script's text is not in it
  });

  it("keeps a query whose refetch failed (it still has its data) but not one still loading", () => {
    const client = new QueryClient();
    client.setQueryData(keys.scene(11), { id: 11 });
    const failed = client.getQueryCache().find({ queryKey: keys.scene(11) })!;
    failed.setState({ status: "error", error: new TypeError("Failed to fetch") });
    const loading = client.getQueryCache().build(client, { queryKey: keys.scene(12) });

    expect(shouldPersistQuery(failed)).toBe(true);
    expect(shouldPersistQuery(loading)).toBe(false);
    expect(KEPT_QUERIES.has("media")).toBe(false);
  });

  it("keeps restored queries in memory for as long as they may be restored, and who is signed in for good", () => {
    const client = makeQueryClient();
    keepOffline(client);

    expect(client.getQueryDefaults(keys.scene(11)).gcTime).toBe(MAX_AGE_MS);
    expect(client.getQueryDefaults(keys.media(1)).gcTime).toBeUndefined();
    expect(client.getQueryDefaults(keys.me).gcTime).toBe(Infinity);
  });

  it("does not restore another build's cache, nor one older than a week", async () => {
    await save(visited(), { ...offlinePersistOptions(), buster: "an older build" });
    expect(cachedKeys(await restoreInto())).toEqual([]);
    expect(await stored()).toBeUndefined();

    await save(visited());
    const later = await restoreInto(makeQueryClient(), { ...offlinePersistOptions(), maxAge: -1 });
    expect(cachedKeys(later)).toEqual([]);
    expect(BUSTER).toMatch(/\d{4}-\d\d-\d\dT/); // vite.config.ts: the build's time
  });
});

describe("when the page is hidden or left", () => {
  it("writes the latest cache at once, not at the throttled write's next turn", async () => {
    const client = visited();
    const options = offlinePersistOptions();
    await save(client, options);
    client.setQueryData(keys.scene(12), { id: 12, number: "2", synopsis: "Written a moment before the tablet slept." });
    // (the throttled write would wait a second for its turn: the page may be gone by then)

    await persistNow(client);

    const restored = await restoreInto();
    expect(restored.getQueryData(keys.scene(12))).toEqual({ id: 12, number: "2", synopsis: "Written a moment before the tablet slept." });
  });

  it("empties the slot when nobody is signed in", async () => {
    await save(visited());

    await persistNow(visited(null));

    expect(await stored()).toBeUndefined();
  });
});

describe("whose it is", () => {
  it("writes nothing for a signed-out cache, and writing one empties the slot", async () => {
    await save(visited());
    expect(await stored()).toBeTruthy();

    await save(visited(null));

    expect(await stored()).toBeUndefined();
    expect(cachedKeys(await restoreInto())).toEqual([]);
  });

  it("on sign-out (the menu clears the cache) empties the slot at once, not at the next throttled write", async () => {
    const client = visited();
    await save(client);

    client.clear();
    await Promise.resolve();

    await expect.poll(stored).toBeUndefined();
  });

  it("when someone else turns out to be signed in, resets the first user's queries and empties the slot", async () => {
    const client = visited();
    await save(client);

    client.setQueryData(keys.me, bob);

    await expect.poll(stored).toBeUndefined();
    expect(client.getQueryData(keys.scenes(1))).toBeUndefined();
    expect(client.getQueryData(keys.takes(11))).toBeUndefined();
    expect(client.getQueryData(keys.me)).toEqual(bob);
  });

  it("a session that ended (me answers null) leaves nothing of the user behind", async () => {
    const client = visited();
    await save(client);

    client.setQueryData(keys.me, null);

    await expect.poll(stored).toBeUndefined();
    expect(client.getQueryData(keys.scene(11))).toBeUndefined();
  });

  it("signing in after nobody keeps what the new user fetched", async () => {
    const client = visited(null);
    client.setQueryData(keys.me, alice);

    expect(client.getQueryData(keys.scene(11))).toEqual({ id: 11, number: "1", synopsis: "Rain on the roof." });
  });
});

describe("at start-up", () => {
  it("drops restored data when the server says someone else (or nobody) is signed in", async () => {
    await save(visited());
    const client = await restoreInto();

    await checkRestoredOwner(client, async () => bob);

    expect(cachedKeys(client)).toEqual([keys.me]); // nothing of alice's: only who is signed in now
    expect(client.getQueryData(keys.me)).toEqual(bob);
    expect(await stored()).toBeUndefined();
  });

  it("keeps restored data when the server agrees, or cannot be asked (offline); `me` is the server's answer, or asked again", async () => {
    await save(visited());
    const online = await restoreInto();
    const renamed = { ...alice, display_name: "Alice Moreau-Diaz" };
    await checkRestoredOwner(online, async () => renamed);
    const offline = await restoreInto();
    await checkRestoredOwner(offline, async () => undefined);

    for (const client of [online, offline]) {
      expect(client.getQueryData(keys.scene(11))).toEqual({ id: 11, number: "1", synopsis: "Rain on the roof." });
    }
    expect(online.getQueryData(keys.me)).toEqual(renamed);
    expect(online.getQueryState(keys.me)?.isInvalidated).toBe(false);
    expect(offline.getQueryData(keys.me)).toEqual(alice);
    expect(offline.getQueryState(keys.me)?.isInvalidated).toBe(true);
  });

  it("takes the server's answer as `me` when nothing was kept, and drops kept data when nobody is signed in", async () => {
    const fresh = makeQueryClient();
    keepOffline(fresh);
    await checkRestoredOwner(await restoreInto(fresh), async () => alice);
    expect(fresh.getQueryData(keys.me)).toEqual(alice);

    await save(visited());
    const signedOut = await restoreInto();
    await checkRestoredOwner(signedOut, async () => null);
    expect(signedOut.getQueryData(keys.me)).toBeNull();
    expect(signedOut.getQueryData(keys.scene(11))).toBeUndefined();
    expect(await stored()).toBeUndefined();
  });
});
