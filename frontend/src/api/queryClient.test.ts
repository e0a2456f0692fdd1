import { QueryClient, QueryObserver } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { makeQueryClient } from "./queryClient";

/** A query function whose answers are released by hand: each call returns the next answer once `release(i)` is called. */
function heldAnswers(answers: string[]) {
  const releases: Array<() => void> = [];
  let calls = 0;
  const queryFn = () => new Promise<string>((resolve) => {
    const answer = answers[calls] ?? "none";
    calls += 1;
    releases.push(() => resolve(answer));
  });
  return { queryFn, release: (i: number) => releases[i]?.(), calls: () => calls };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

async function invalidatedDuringFirstFetch(qc: QueryClient): Promise<{ data: unknown; calls: number }> {
  const held = heldAnswers(["before the change", "after the change"]);
  const observer = new QueryObserver(qc, { queryKey: ["script-versions", 1], queryFn: held.queryFn });
  const unsubscribe = observer.subscribe(() => {});
  await settle();
  // The live event arrives while the first read, which began before the change, is still in flight.
  void qc.invalidateQueries({ queryKey: ["script-versions", 1] });
  await settle();
  held.release(0);
  await settle();
  held.release(1);
  await settle();
  const out = { data: qc.getQueryData(["script-versions", 1]), calls: held.calls() };
  unsubscribe();
  return out;
}

describe("LiveQueryClient", () => {
  it("reads again when a query is invalidated while its first fetch is in flight", async () => {
    expect(await invalidatedDuringFirstFetch(makeQueryClient())).toEqual({ data: "after the change", calls: 2 });
  });

  it("(TanStack Query's own client keeps the first answer: the case the app's client exists for)", async () => {
    expect(await invalidatedDuringFirstFetch(new QueryClient())).toEqual({ data: "before the change", calls: 1 });
  });

  it("still joins a fetch in flight when nothing asked for it again, and refetches a query with data as before", async () => {
    const qc = makeQueryClient();
    const held = heldAnswers(["one", "two", "three"]);
    const observer = new QueryObserver(qc, { queryKey: ["k"], queryFn: held.queryFn });
    const unsubscribe = observer.subscribe(() => {});
    const second = new QueryObserver(qc, { queryKey: ["k"], queryFn: held.queryFn });
    const unsubscribeSecond = second.subscribe(() => {});
    await settle();
    expect(held.calls()).toBe(1);
    held.release(0);
    await settle();
    expect(qc.getQueryData(["k"])).toBe("one");
    void qc.refetchQueries({ queryKey: ["k"] });
    await settle();
    held.release(1);
    await settle();
    expect(qc.getQueryData(["k"])).toBe("two");
    expect(held.calls()).toBe(2);
    unsubscribe();
    unsubscribeSecond();
  });
});
