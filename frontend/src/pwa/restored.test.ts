// "Is this from the kept cache?": data fetched before the page loaded, and not refreshed since.
import { QueryClient, QueryClientProvider, QueryObserver } from "@tanstack/react-query";
import { act, renderHook } from "@testing-library/react";
import { createElement, type ReactNode } from "react";
import { describe, expect, it } from "vitest";
import { keys } from "../api/keys";
import { cachedSince, restoredAt, useIsRestoredFromCache } from "./restored";

const LOADED = 1_700_000_000_000;

describe("restored data", () => {
  it("is data fetched before the page loaded", () => {
    expect(restoredAt({ data: [1], dataUpdatedAt: LOADED - 60_000 }, LOADED)).toBe(LOADED - 60_000);
    expect(restoredAt({ data: [1], dataUpdatedAt: LOADED + 10 }, LOADED)).toBeNull();
    expect(restoredAt({ data: undefined, dataUpdatedAt: 0 }, LOADED)).toBeNull();
    expect(restoredAt(undefined, LOADED)).toBeNull();
  });

  it("counts only queries a component shows, and gives the oldest", () => {
    const client = new QueryClient();
    client.setQueryData(keys.scenes(1), [], { updatedAt: LOADED - 5_000 });
    client.setQueryData(keys.scene(11), {}, { updatedAt: LOADED - 9_000 });
    client.setQueryData(keys.media(1), [], { updatedAt: LOADED - 99_000 }); // not shown
    const unsubscribe = [keys.scenes(1), keys.scene(11)].map((queryKey) => new QueryObserver(client, { queryKey, enabled: false }).subscribe(() => {}));

    expect(cachedSince(client, undefined, LOADED)).toBe(LOADED - 9_000);
    expect(cachedSince(client, keys.scenes(1), LOADED)).toBe(LOADED - 5_000);
    unsubscribe.forEach((stop) => stop());
  });

  it("useIsRestoredFromCache turns false once the query is fetched again", () => {
    const client = new QueryClient();
    client.setQueryData(keys.scene(11), { id: 11 }, { updatedAt: 1000 }); // long before this page loaded
    const wrapper = ({ children }: { children: ReactNode }) => createElement(QueryClientProvider, { client }, children);
    const { result } = renderHook(() => useIsRestoredFromCache(keys.scene(11)), { wrapper });
    expect(result.current).toBe(true);

    act(() => { client.setQueryData(keys.scene(11), { id: 11, synopsis: "live" }); });

    expect(result.current).toBe(false);
  });
});
