// The look-development page: its sections as links (the current one marked), none for writing to a viewer, and no
// accessibility violation axe-core can see without a layout (colour contrast is checked in the browser test).
import { cleanup, screen, waitFor } from "@testing-library/react";
import axe from "axe-core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { LookdevPage } from "./LookdevPage";
import { BASE_ROUTES, order, product, serve, show } from "./fixtures.test-helper";

afterEach(() => { cleanup(); vi.unstubAllGlobals(); });

const ROUTES = {
  ...BASE_ROUTES,
  "GET /api/generation-orders/": [200, { results: [order()], next: null }],
  "GET /api/generation-orders/7/": [200, order()],
  "GET /api/generation-products/": [200, { results: [product(1), product(2, { favourite: true })], next: null }],
  "POST /api/generation-orders/preview/": [200, { count: 1, estimated_cost_usd: 0.003, items: [{ index: 1, parameters: { prompt: "x", seed: 1 } }] }],
} satisfies Record<string, [number, unknown]>;

async function violations(): Promise<string[]> {
  const result = await axe.run(document.body, { rules: { "color-contrast": { enabled: false }, region: { enabled: false } }, resultTypes: ["violations"] });
  return result.violations.filter((v) => v.impact === "critical" || v.impact === "serious").map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

describe("LookdevPage", () => {
  it.each([
    ["orders", "/productions/4/lookdev", "orders"],
    ["the new order form", "/productions/4/lookdev/new", "order-form"],
    ["an order", "/productions/4/lookdev/orders/7", "order-items"],
    ["the gallery", "/productions/4/lookdev/gallery", "gallery-products"],
  ])("shows %s with its section marked current and no axe violation", async (_name, path, testId) => {
    serve(ROUTES);
    show(path, <LookdevPage />);
    await screen.findByTestId(testId, {}, { timeout: 5000 });
    await waitFor(() => expect(screen.getByRole("navigation", { name: "Look development" })).toBeTruthy());
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Look development");
    expect(screen.getAllByRole("link").filter((a) => a.getAttribute("aria-current") === "page")).toHaveLength(1);
    expect(await violations()).toEqual([]);
  }, 20_000);

  it("offers no new order to a viewer", async () => {
    serve({ ...ROUTES, "GET /api/productions/4/": [200, { id: 4, title: "Brick & Steel", my_role: "viewer" }] });
    show("/productions/4/lookdev/gallery", <LookdevPage />);
    await screen.findByTestId("gallery-products");
    await waitFor(() => expect(screen.queryByRole("link", { name: "New order" })).toBeNull());
    expect(screen.queryByTestId("product-favourite")).toBeNull();
  }, 20_000);
});
