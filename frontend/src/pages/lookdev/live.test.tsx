// Another member's order, live: its items' progress, queue position and log, its products in the gallery, with no reload.
import { act, cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { Route, Routes } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import { lookdevKeys, type GenerationItem, type GenerationOrder, type GenerationProduct } from "../../api/lookdev";
import { applyEvent } from "../../realtime/dispatch";
import type { EntityEvent } from "../../realtime/events";
import { asset, BASE_ROUTES, item, order, product, serve, show } from "./fixtures.test-helper";
import { Gallery } from "./Gallery";
import { itemMessage, OrderList, OrderView } from "./Orders";

afterEach(() => { cleanup(); vi.unstubAllGlobals(); });

let seq = 0;
function event<E extends "generation_order" | "generation_item" | "generation_product">(entity: E, verb: "created" | "updated", data: unknown): EntityEvent {
  seq += 1;
  return { id: seq, seq, type: `${entity}.${verb}`, production: 4, entity, entity_id: (data as { id: number }).id, data, actor: { id: 2, name: "Ana" }, at: "2026-12-03T15:00:00Z" } as EntityEvent;
}

describe("itemMessage", () => {
  it("says where a queued item stands, the newest log line of a running one, and a failed one's reason", () => {
    expect(itemMessage({ status: "running", queue_position: 2, log: "", error: "" })).toBe("In the provider's queue, position 3");
    expect(itemMessage({ status: "pending", queue_position: null, log: "", error: "" })).toBe("Waiting to start");
    expect(itemMessage({ status: "running", queue_position: null, log: "step 3/4 37%", error: "" })).toBe("step 3/4 37%");
    expect(itemMessage({ status: "failed", queue_position: null, log: "37%", error: "NSFW content detected" })).toBe("NSFW content detected");
  });
});

describe("an order, live", () => {
  it("shows each item's progress and queue position as events arrive, the order's status, and a failed item's retry", async () => {
    const retried = vi.fn();
    serve({
      ...BASE_ROUTES,
      "GET /api/generation-orders/7/": [200, order()],
      "GET /api/generation-products/": [200, { results: [], next: null }],
      "POST /api/generation-items/103/retry/": () => { retried(); return [200, item(3, { status: "pending", attempts: 2, version: 5 })]; },
    });
    const qc = show("/productions/4/lookdev/orders/7", <Routes><Route path="orders/:orderId" element={<OrderView production={4} canWrite />} /></Routes>);
    await waitFor(() => expect(screen.getAllByTestId("order-item")).toHaveLength(3));
    const row = (index: number) => screen.getAllByTestId("order-item")[index - 1] as HTMLElement;

    act(() => applyEvent(qc, event("generation_item", "updated", item(1, { status: "running", queue_position: 1, version: 2 }))));
    await waitFor(() => expect(row(1).dataset.status).toBe("running"));
    await waitFor(() => expect(within(row(1)).getByTestId("item-message").textContent).toBe("In the provider's queue, position 2"));
    // Progress frames are ephemeral (not stored, no seq): the item's REST shape at its saved version.
    const frame = (data: GenerationItem) => ({ id: null, seq: null, type: "generation_item.progress", production: 4, entity: "generation_item", entity_id: data.id, data, actor: null, at: "" }) as const;
    act(() => applyEvent(qc, frame(item(1, { status: "running", progress: 0.37, log: "37%", version: 2 }))));
    await waitFor(() => expect(within(row(1)).getByTestId("item-progress").dataset.progress).toBe("0.37"));
    await waitFor(() => expect(within(row(1)).getByRole("progressbar", { name: "Item 1: 37%" })).toBeTruthy());
    // An older frame arriving late does not take the item back.
    act(() => applyEvent(qc, event("generation_item", "updated", item(1, { status: "running", queue_position: 1, version: 2 }))));
    expect(qc.getQueryData<GenerationOrder>(lookdevKeys.order(7))?.items?.[0]?.progress).toBe(0.37);
    act(() => applyEvent(qc, event("generation_item", "updated", item(2, { status: "succeeded", progress: 1, version: 3 }))));
    act(() => applyEvent(qc, frame(item(2, { status: "running", progress: 0.9, version: 3 })))); // overtaken by the final save
    await waitFor(() => expect(row(2).dataset.status).toBe("succeeded"));

    act(() => applyEvent(qc, event("generation_item", "updated", item(3, { status: "failed", error: "The provider refused the prompt.", version: 4 }))));
    act(() => applyEvent(qc, event("generation_order", "updated", order({ status: "running", progress: 0.45, version: 2, items: undefined }))));
    await waitFor(() => expect(screen.getByTestId("order").dataset.status).toBe("running"));
    expect(screen.getAllByTestId("order-item")).toHaveLength(3); // the order's event has no items: the cached ones stay
    expect(within(row(3)).getByTestId("item-message").textContent).toBe("The provider refused the prompt.");

    fireEvent.click(within(row(3)).getByRole("button", { name: "Retry item 3" }));
    await waitFor(() => expect(row(3).dataset.status).toBe("pending"));
    expect(retried).toHaveBeenCalledTimes(1);
    expect(qc.getQueryData<GenerationOrder>(lookdevKeys.order(7))?.items?.map((i: GenerationItem) => i.attempts)).toEqual([1, 1, 2]);
  }, 20_000);

  it("cancels one item, then the order, and offers neither once everything has ended", async () => {
    const cancelled = order({ status: "cancelled", version: 3, items: [1, 2, 3].map((i) => item(i, { status: "cancelled", version: 3 })) });
    serve({
      ...BASE_ROUTES,
      "GET /api/generation-orders/7/": [200, order({ items: [item(1, { status: "running", version: 2 }), item(2), item(3)] })],
      "GET /api/generation-products/": [200, { results: [], next: null }],
      "POST /api/generation-items/101/cancel/": [200, item(1, { status: "cancelled", version: 3 })],
      "POST /api/generation-orders/7/cancel/": [200, cancelled],
    });
    show("/productions/4/lookdev/orders/7", <Routes><Route path="orders/:orderId" element={<OrderView production={4} canWrite />} /></Routes>);
    fireEvent.click(await screen.findByRole("button", { name: "Cancel item 1" }));
    await waitFor(() => expect(screen.getAllByTestId("order-item")[0]?.dataset.status).toBe("cancelled"));
    expect(screen.getByRole("button", { name: "Retry item 1" })).toBeTruthy();
    fireEvent.click(screen.getByTestId("order-cancel"));
    await waitFor(() => expect(screen.getByTestId("order").dataset.status).toBe("cancelled"));
    expect(screen.getAllByTestId("order-item").map((r) => r.dataset.status)).toEqual(["cancelled", "cancelled", "cancelled"]);
    expect(screen.queryByTestId("order-cancel")).toBeNull();
    expect(screen.queryByTestId("item-cancel")).toBeNull();
  }, 20_000);

  it("adds another member's new order to the list", async () => {
    serve({ ...BASE_ROUTES, "GET /api/generation-orders/": [200, { results: [order({ id: 6, created_at: "2026-12-03T14:00:00Z", status: "succeeded" })], next: null }] });
    const qc = show("/productions/4/lookdev", <OrderList production={4} />);
    await waitFor(() => expect(screen.getAllByTestId("order-row")).toHaveLength(1));
    act(() => applyEvent(qc, event("generation_order", "created", order({ status: "pending" }))));
    await waitFor(() => expect(screen.getAllByTestId("order-row").map((r) => r.dataset.orderId)).toEqual(["7", "6"]));
  }, 20_000);
});

describe("the gallery", () => {
  it("shows products as they are made, toggles a favourite, compares two side by side, and filters by favourite", async () => {
    const patched = vi.fn();
    serve({
      ...BASE_ROUTES,
      "GET /api/generation-orders/": [200, { results: [order()], next: null }],
      "GET /api/generation-products/": (_body, url) => [200, { results: url.searchParams.get("favourite") ? [] : [product(1)], next: null }],
      "PATCH /api/generation-products/1/": (body) => { patched(body); return [200, product(1, { favourite: true, version: 2 })]; },
    });
    const qc = show("/productions/4/lookdev/gallery", <Gallery production={4} canWrite />);
    await waitFor(() => expect(screen.getAllByTestId("product")).toHaveLength(1));
    act(() => applyEvent(qc, event("generation_product", "created", product(2, { parameters: { prompt: "a dusk street", seed: 2, guidance_scale: 5 } }))));
    await waitFor(() => expect(screen.getAllByTestId("product").map((p) => p.dataset.productId)).toEqual(["2", "1"]));
    await waitFor(() => expect(screen.getByRole("img", { name: "Product 2: a dusk street" }).getAttribute("src")).toBe("/media/frame-502.png"));

    fireEvent.click(screen.getByRole("button", { name: "Mark Product 1 as favourite" }));
    await waitFor(() => expect(screen.getByRole("button", { name: "Remove Product 1 from favourites" }).getAttribute("aria-pressed")).toBe("true"));
    expect(patched).toHaveBeenCalledWith({ favourite: true, version: 1 });

    expect(screen.getByTestId("gallery-compare")).toHaveProperty("disabled", true);
    fireEvent.click(screen.getByRole("checkbox", { name: "Compare Product 1" }));
    fireEvent.click(screen.getByRole("checkbox", { name: "Compare Product 2" }));
    fireEvent.click(screen.getByTestId("gallery-compare"));
    const table = await screen.findByTestId("compare-parameters");
    const differing = [...table.querySelectorAll("tr[data-differs]")].map((r) => r.firstElementChild?.textContent);
    expect(differing).toEqual(["Seed differs", "Guidance scale differs"]);
    expect(screen.getAllByTestId("compare-side").map((s) => s.dataset.productId)).toEqual(["1", "2"]);
  }, 20_000);

  it("keeps a product made for another order out of a gallery filtered by order", async () => {
    serve({
      ...BASE_ROUTES,
      "GET /api/generation-orders/": [200, { results: [order()], next: null }],
      "GET /api/generation-products/": [200, { results: [product(1)], next: null }],
    });
    const qc = show("/productions/4/lookdev/gallery?order=7", <Gallery production={4} canWrite />);
    await waitFor(() => expect(screen.getAllByTestId("product")).toHaveLength(1));
    act(() => applyEvent(qc, event("generation_product", "created", product(2, { order: 8 }))));
    act(() => applyEvent(qc, event("generation_product", "created", product(3))));
    await waitFor(() => expect(qc.getQueryData<GenerationProduct[]>(lookdevKeys.products(4, { order: "7" }))?.map((p) => p.id)).toEqual([3, 1]));
  }, 20_000);

  it("makes a product a storyboard frame of the shot chosen (its own shot first)", async () => {
    const used = vi.fn();
    serve({
      ...BASE_ROUTES,
      "GET /api/generation-orders/": [200, { results: [order()], next: null }],
      "GET /api/generation-products/": [200, { results: [product(1)], next: null }],
      "POST /api/generation-products/1/use-as-frame/": (body) => { used(body); return [200, asset(501)]; },
    });
    show("/productions/4/lookdev/gallery", <Gallery production={4} canWrite />);
    fireEvent.click(await screen.findByRole("button", { name: "Use as frame: Product 1" }));
    const dialog = await screen.findByRole("dialog", { name: "Use as a storyboard frame" });
    await waitFor(() => expect((within(dialog).getByTestId("use-as-frame-shot") as HTMLInputElement).value).toBe("Scene 3 · shot 3A"));
    fireEvent.click(within(dialog).getByTestId("use-as-frame-submit"));
    await waitFor(() => expect(used).toHaveBeenCalledWith({ shot: 12 }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
  }, 20_000);
});
