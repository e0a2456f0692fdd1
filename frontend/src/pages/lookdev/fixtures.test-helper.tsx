// Shared by the lookdev tests: a fake REST API (fetch stubbed by route), a machine, orders, items and products, and
// the screens rendered in a production's route with the app's QueryClient.
import { MantineProvider } from "@mantine/core";
import { QueryClientProvider, type QueryClient } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactNode } from "react";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { vi } from "vitest";
import type { GenerationItem, GenerationOrder, GenerationProduct, Machine } from "../../api/lookdev";
import { makeQueryClient } from "../../api/queryClient";
import type { MediaAsset } from "../../api/types";

// Mantine's autosize text area (the prompt) listens for web fonts loading; jsdom has no document.fonts.
if (!("fonts" in document)) Object.defineProperty(document, "fonts", { value: { addEventListener() {}, removeEventListener() {} } });
// Mantine's combobox scrolls the selected option into view as its dropdown opens; jsdom has no layout.
Element.prototype.scrollIntoView ??= function scrollIntoView() {};

export const MACHINE: Machine = {
  id: "fal-flux-schnell", provider: "fal", model: "fal-ai/flux/schnell", modality: "image", label: "FLUX.1 [schnell] (fal.ai)", usd_per_item: 0.003,
  configured: true, variable: "FAL_KEY",
  parameters: {
    prompt: { type: "string", max_length: 2000, required: true },
    seed: { type: "integer", minimum: 0, maximum: 4294967295 },
    image_size: { type: "enum", values: ["square_hd", "landscape_16_9"], default: "landscape_16_9" },
    guidance_scale: { type: "number", minimum: 1, maximum: 20, default: 3.5 },
  },
};
export const REPLICATE: Machine = {
  id: "replicate-flux-schnell", provider: "replicate", model: "black-forest-labs/flux-schnell", modality: "image", label: "FLUX.1 [schnell] (Replicate)",
  usd_per_item: 0.003, configured: false, variable: "REPLICATE_API_TOKEN", parameters: { prompt: { type: "string", required: true }, num_outputs: { type: "integer", minimum: 1, maximum: 4, default: 1 } },
};

export const item = (index: number, over: Partial<GenerationItem> = {}): GenerationItem => ({
  id: 100 + index, order: 7, index, parameters: { prompt: "a dusk street", seed: index }, status: "pending", progress: 0, queue_position: null, log: "",
  cost_usd: null, error: "", attempts: 1, started_at: null, finished_at: null, version: 1, ...over,
});

export const order = (over: Partial<GenerationOrder> = {}): GenerationOrder => ({
  id: 7, production: 4, created_by: 1, machine: MACHINE.id, parameters: { prompt: "a dusk street", seed: "1-3" }, shot: 12, scene: null, location: null,
  character: null, status: "running", progress: 0, item_count: 3, estimated_cost_usd: "0.009", cost_usd: null, created_at: "2026-12-03T15:00:00Z",
  version: 1, items: [item(1), item(2), item(3)], ...over,
});

export const asset = (id: number, over: Partial<MediaAsset> = {}): MediaAsset => ({
  id, production: 4, take: null, original_name: `frame-${id}.png`, size_bytes: 10, status: "ready", error: "", format_name: "png", duration_s: null,
  frame_rate: "", frame_rate_fps: null, frame_count: null, width: 1280, height: 720, video_codec: "", audio_codec: "", audio_channels: null,
  start_timecode: "", timecode_start_frames: 0, reel_name: "", job: null, renditions: [], uploaded_by: null, version: 1, created_at: "2026-12-03T15:00:00Z",
  updated_at: "2026-12-03T15:00:00Z", kind: "image", shot: 12, generation: {}, original_url: `/media/frame-${id}.png`, ...over,
});

export const product = (id: number, over: Partial<GenerationProduct> = {}): GenerationProduct => ({
  id, production: 4, order: 7, item: 100 + id, media_asset: asset(500 + id), favourite: false, version: 1, created_at: `2026-12-03T15:0${id}:00Z`,
  machine: MACHINE.id, parameters: { prompt: "a dusk street", seed: id, guidance_scale: 3.5 }, ...over,
});

export type Handler = (body: unknown, url: URL) => [number, unknown];
/** Stub fetch: `routes` by "METHOD /path/" (no query); every call recorded. Unknown routes answer 404. */
export function serve(routes: Record<string, Handler | [number, unknown]>) {
  const calls: { route: string; url: URL; body: unknown }[] = [];
  vi.stubGlobal("fetch", vi.fn(async (path: string, init: RequestInit = {}) => {
    const url = new URL(path, "http://localhost");
    const route = `${init.method ?? "GET"} ${url.pathname}`;
    const body = typeof init.body === "string" ? JSON.parse(init.body) : undefined;
    calls.push({ route, url, body });
    const handler = routes[route];
    const [status, answer] = typeof handler === "function" ? handler(body, url) : handler ?? [404, { code: "not_found", message: "Not found.", extra: {} }];
    return new Response(JSON.stringify(answer), { status, headers: { "Content-Type": "application/json" } });
  }));
  return calls;
}

export const BASE_ROUTES = {
  "GET /api/productions/4/": [200, { id: 4, title: "Brick & Steel", my_role: "director" }],
  "GET /api/machines/": [200, [MACHINE, REPLICATE]],
  "GET /api/scenes/": [200, { results: [{ id: 3, number: "3", slugline: "EXT. DOCKS - NIGHT", location: "DOCKS", script_order: 1 }], next: null }],
  "GET /api/shots/": [200, { results: [{ id: 12, scene: 3, number: "3A", order: 1, production: 4 }], next: null }],
  "GET /api/locations/": [200, { results: [], next: null }],
  "GET /api/characters/": [200, { results: [], next: null }],
} satisfies Record<string, [number, unknown]>;

/** Render `element` at `path` under the production route; answers the QueryClient. */
export function show(path: string, element: ReactNode, qc: QueryClient = makeQueryClient()): QueryClient {
  render(
    <MantineProvider>
      <QueryClientProvider client={qc}>
        <MemoryRouter initialEntries={[path]}>
          <Routes><Route path="/productions/:productionId/lookdev/*" element={element} /></Routes>
        </MemoryRouter>
      </QueryClientProvider>
    </MantineProvider>,
  );
  return qc;
}
