import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { OrderForm, orderBody } from "./OrderForm";
import { BASE_ROUTES, MACHINE, order, REPLICATE, serve, show } from "./fixtures.test-helper";
import { Route, Routes } from "react-router-dom";

afterEach(() => { cleanup(); vi.unstubAllGlobals(); });

const field = (name: string) => document.querySelector(`[data-param="${name}"]`) as HTMLInputElement;
const describedBy = (input: HTMLElement) => (input.getAttribute("aria-describedby") ?? "").split(" ").map((id) => document.getElementById(id)?.textContent ?? "").join(" ");

describe("orderBody", () => {
  it("sends plain numbers as numbers, ranges and lists as text, leaves empty fields to the server's defaults, and the target", () => {
    const body = orderBody(4, MACHINE, { prompt: "a {dusk|dawn} street", seed: "1-4", guidance_scale: "3|5|7", image_size: "" }, "shot:12");
    expect(body).toEqual({ production: 4, machine: MACHINE.id, shot: 12, parameters: { prompt: "a {dusk|dawn} street", seed: "1-4", guidance_scale: "3|5|7" } });
    expect(orderBody(4, MACHINE, { prompt: "x", seed: "42" }, null).parameters).toEqual({ prompt: "x", seed: 42, image_size: "landscape_16_9", guidance_scale: 3.5 });
  });
});

describe("OrderForm", () => {
  it("shows a field per parameter of the chosen machine, previews the count and cost as one types, and names the refused field", async () => {
    const calls = serve({
      ...BASE_ROUTES,
      "POST /api/generation-orders/preview/": (body) => {
        const { parameters } = body as { parameters: Record<string, unknown> };
        if (parameters.guidance_scale === 40) return [400, { code: "invalid", message: "guidance_scale must be between 1 and 20.", extra: { field: "guidance_scale" } }];
        const count = parameters.seed === "1-4" ? 4 : 1;
        return [200, { count, estimated_cost_usd: (count * 0.003).toFixed(3), items: Array.from({ length: count }, (_, i) => ({ index: i + 1, parameters: { ...parameters, seed: i + 1 } })) }];
      },
    });
    show("/productions/4/lookdev/new?shot=12", <OrderForm production={4} />);
    await screen.findByTestId("order-form");
    expect(["prompt", "seed", "image_size", "guidance_scale"].every((n) => field(n))).toBe(true);
    expect(describedBy(field("guidance_scale"))).toMatch(/Number 1 to 20.*3\|5\|7.*default 3\.5/);
    expect(field("image_size").value).toBe("landscape_16_9");
    expect(screen.getByTestId("order-preview").textContent).toBe("Fill in prompt to see the count.");
    expect(calls.some((c) => c.route === "POST /api/generation-orders/preview/")).toBe(false);

    fireEvent.change(field("prompt"), { target: { value: "a dusk street" } });
    fireEvent.change(field("seed"), { target: { value: "1-4" } });
    await waitFor(() => expect(screen.getByTestId("order-preview").dataset.count).toBe("4"), { timeout: 2000 });
    expect(screen.getByTestId("order-preview").textContent).toBe("4 items · estimated $0.012");
    expect(screen.getByTestId("order-submit").textContent).toBe("Order 4 items");
    const previews = calls.filter((c) => c.route === "POST /api/generation-orders/preview/");
    expect(previews.at(-1)?.body).toMatchObject({ production: 4, machine: MACHINE.id, shot: 12, parameters: { seed: "1-4", guidance_scale: 3.5 } });
    expect(previews.length).toBeLessThanOrEqual(3); // debounced: not one per keystroke

    fireEvent.change(field("guidance_scale"), { target: { value: "40" } });
    await waitFor(() => expect(describedBy(field("guidance_scale"))).toContain("guidance_scale must be between 1 and 20."), { timeout: 2000 });
    expect(field("guidance_scale").getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByTestId("order-submit")).toHaveProperty("disabled", true);
  }, 20_000);

  it("follows the machine: other fields, and a machine without its key says which variable to set", async () => {
    serve({ ...BASE_ROUTES, "POST /api/generation-orders/preview/": [200, { count: 1, estimated_cost_usd: "0.003", items: [] }] });
    show("/productions/4/lookdev/new?machine=replicate-flux-schnell", <OrderForm production={4} />);
    await screen.findByTestId("order-form");
    expect(screen.getByTestId("order-form").dataset.machine).toBe(REPLICATE.id);
    expect(field("num_outputs")).toBeTruthy();
    expect(field("seed")).toBeNull();
    expect(screen.getByTestId("ai-off").dataset.variable).toBe("REPLICATE_API_TOKEN");
    expect(screen.getByTestId("order-submit")).toHaveProperty("disabled", true);
  });

  it("shows the server's message and variable when the provider is not configured after all, and opens the order once made", async () => {
    let configured = false;
    serve({
      ...BASE_ROUTES,
      "POST /api/generation-orders/preview/": [200, { count: 3, estimated_cost_usd: "0.009", items: [] }],
      "POST /api/generation-orders/": () => configured ? [201, order()]
        : [503, { code: "not_configured", message: "fal.ai is not configured: set FAL_KEY.", extra: { variable: "FAL_KEY" } }],
    });
    show("/productions/4/lookdev/new", <Routes><Route path="new" element={<OrderForm production={4} />} /><Route path="orders/:orderId" element={<p data-testid="opened">opened</p>} /></Routes>);
    await screen.findByTestId("order-form");
    fireEvent.change(field("prompt"), { target: { value: "a dusk street" } });
    await waitFor(() => expect(screen.getByTestId("order-preview").dataset.count).toBe("3"), { timeout: 2000 });
    fireEvent.click(screen.getByTestId("order-submit"));
    const alert = await screen.findByTestId("order-not-configured");
    expect(alert.dataset.variable).toBe("FAL_KEY");
    expect(within(alert).getByText(/fal.ai is not configured/)).toBeTruthy();

    configured = true;
    fireEvent.click(screen.getByTestId("order-submit"));
    await screen.findByTestId("opened");
  }, 20_000);
});
