// Look development: generation orders → items → products over several providers (issue 20, apps/generation/orders).
// Shapes of `GET /api/machines/`, `/api/generation-orders/`, `/api/generation-items/`, `/api/generation-products/` and
// `GET /api/shots/{id}/board/`; live events (`generation_order`, `generation_item`, `generation_product`) carry the same
// shapes. The queries and mutations the lookdev pages use, and the pure helpers of the order form (parameter values).
import { queryOptions, useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { api, ApiError } from "./client";
import type { Id, Iso, MediaAsset, Take } from "./types";

/** One parameter of a machine's schema (apps/generation/orders/machines.json). */
export interface ParameterSchema {
  type: "string" | "integer" | "number" | "enum" | "boolean";
  required?: boolean; max_length?: number; minimum?: number; maximum?: number; values?: string[];
  default?: string | number | boolean | null; description?: string; label?: string;
}

/** `GET /api/machines/`: a provider × model with its parameter schema (in the order the form shows them). */
export interface Machine {
  id: string; provider: string; model: string; modality: "image" | "video" | "audio"; label: string;
  /** US dollars per item (the catalogue's estimate), or null when the catalogue has none. */
  usd_per_item: number | string | null;
  /** False when the server has no key for the provider (`variable`, the setting that turns it on: "FAL_KEY"...). */
  configured: boolean; variable?: string;
  parameters: Record<string, ParameterSchema>;
}

export type OrderStatus = "pending" | "running" | "succeeded" | "failed" | "cancelled" | "partial";
export type ItemStatus = "pending" | "running" | "succeeded" | "failed" | "cancelled";
/** What the order is for: at most one of them. */
export type TargetKind = "shot" | "scene" | "location" | "character";
export const TARGET_KINDS: TargetKind[] = ["shot", "scene", "location", "character"];

/** `/api/generation-items/`: one expanded combination of an order, with its own life. `progress` 0..1. */
export interface GenerationItem {
  id: Id; production?: Id; order: Id; index: number; parameters: Record<string, unknown>; status: ItemStatus; progress: number;
  /** 0-based place in the provider's queue while queued, else null. */
  queue_position: number | null; log: string; provider_request_id?: string; cost_usd: string | number | null;
  error: string; attempts: number; job?: string | null; started_at: Iso | null; finished_at: Iso | null;
  version: number; created_at?: Iso; updated_at?: Iso;
}

/** `/api/generation-orders/`: `items` embedded in every REST answer (not in its live events). Money in US dollars. */
export interface GenerationOrder {
  id: Id; production: Id; created_by: Id | null; created_by_name?: string | null; machine: string; machine_label?: string;
  provider?: string; model?: string; modality?: string;
  parameters: Record<string, unknown>; prompt_template?: string;
  shot: Id | null; scene: Id | null; location: Id | null; character: Id | null;
  status: OrderStatus; progress: number; item_count: number;
  estimated_cost_usd: string | number | null; cost_usd: string | number | null;
  items?: GenerationItem[]; version: number; created_at: Iso; updated_at?: Iso;
}

/** `/api/generation-products/`: a made file (a MediaAsset) and where it came from. */
export interface GenerationProduct {
  id: Id; production: Id; order: Id; item: Id;
  /** The asset, as the media serializer gives it (or its id, with the URLs beside it). */
  media_asset: MediaAsset | Id;
  favourite: boolean; version: number; created_at: Iso; updated_at?: Iso;
  /** The catalogue id, the item's parameters, and the order's target shot / scene (ids or null). */
  machine?: string; shot?: Id | null; scene?: Id | null; parameters?: Record<string, unknown>; modality?: string;
  url?: string | null; file_url?: string | null; poster_url?: string | null; thumbnail_url?: string | null;
}

/** `POST /api/generation-orders/preview/`: how many items the order would make, what it would cost, the first 100. */
export interface OrderPreview { count: number; estimated_cost_usd: string | number | null; items: { index: number; parameters: Record<string, unknown> }[] }

/** `GET /api/shots/{id}/board/`: the shot's frames, and the poster of the take filmed for it (circled/printed), if any. */
export interface ShotBoard {
  frames: MediaAsset[];
  filmed: { take: Id | Take; take_number?: number; circled?: boolean; media_asset?: Id; poster_url: string | null } | null;
}

/** The order body (preview and submit). */
export interface OrderBody { production: Id; machine: string; parameters: Record<string, string | number | boolean>; shot?: Id; scene?: Id; location?: Id; character?: Id }

/** Gallery filters (`GET /api/generation-products/` query parameters), as strings from the URL. */
export interface ProductFilters { shot?: string; scene?: string; order?: string; machine?: string; favourite?: string }
export const FILTER_NAMES = ["shot", "scene", "order", "machine", "favourite"] as const;

export const lookdevKeys = {
  machines: ["machines"] as const,
  orders: (production: Id) => ["generation-orders", production] as const,
  order: (id: Id) => ["generation-order", id] as const,
  /** A gallery list: the production's products matching `filters` (empty: all of them). */
  products: (production: Id, filters: ProductFilters = {}) => ["generation-products", production, filters] as const,
  preview: (body: OrderBody) => ["generation-preview", body] as const,
  board: (shot: Id) => ["shot-board", shot] as const,
};

/** A list endpoint's rows, paginated (`{results, next}`, every page read) or not (a plain array). */
export async function listAll<T>(path: string): Promise<T[]> {
  const out: T[] = [];
  let url: string | null = `${path}${path.includes("?") ? "&" : "?"}page_size=500`;
  while (url) {
    const page: T[] | { results: T[]; next: string | null } = await api(url);
    if (Array.isArray(page)) return [...out, ...page];
    out.push(...page.results);
    url = page.next ? (({ pathname, search }) => pathname + search)(new URL(page.next, location.origin)) : null;
  }
  return out;
}

const query = (filters: ProductFilters) =>
  FILTER_NAMES.filter((name) => filters[name]).map((name) => `&${name}=${encodeURIComponent(filters[name] as string)}`).join("");

export const useMachines = () => useQuery({ queryKey: lookdevKeys.machines, queryFn: () => api<Machine[] | { results: Machine[] }>("/api/machines/").then((m) => (Array.isArray(m) ? m : m.results)), staleTime: 60_000 });
export const useOrders = (p: Id) => useQuery({ queryKey: lookdevKeys.orders(p), queryFn: async () => (await listAll<GenerationOrder>(`/api/generation-orders/?production=${p}`)).sort(newestFirst) });
export const orderQuery = (id: Id) => queryOptions({ queryKey: lookdevKeys.order(id), queryFn: () => api<GenerationOrder>(`/api/generation-orders/${id}/`) });
export const useOrder = (id: Id) => useQuery(orderQuery(id));
export const useProducts = (p: Id, filters: ProductFilters = {}) => useQuery({
  queryKey: lookdevKeys.products(p, filters),
  queryFn: async () => (await listAll<GenerationProduct>(`/api/generation-products/?production=${p}${query(filters)}`)).sort(newestFirst),
});
export const useShotBoard = (shot: Id) => useQuery({ queryKey: lookdevKeys.board(shot), queryFn: () => api<ShotBoard>(`/api/shots/${shot}/board/`) });

/**
 * The order's progress 0..1 from its items' live progress (an ended item counts as done), or the order's own figure
 * when the items are not there: the order is saved on each item's status change only, its items' frames are live.
 */
export function liveProgress(order: GenerationOrder): number {
  const items = order.items ?? [];
  if (items.length === 0) return order.progress;
  return items.reduce((sum, i) => sum + (ENDED.has(i.status) ? 1 : i.progress), 0) / items.length;
}

/** Newest first (then the higher id), for orders and products. */
export const newestFirst = (a: { id: Id; created_at: Iso }, b: { id: Id; created_at: Iso }) => b.created_at.localeCompare(a.created_at) || b.id - a.id;

/** The order as the production's list holds it: without its items (the detail keeps them). */
export function orderRow(order: GenerationOrder): GenerationOrder {
  const row = { ...order };
  delete row.items;
  return row;
}

/** Put a saved order (detail, items included) in the caches: its detail and the production's list. */
export function storeOrder(qc: QueryClient, order: GenerationOrder): void {
  qc.setQueryData<GenerationOrder>(lookdevKeys.order(order.id), (old) => ({ ...order, items: order.items ?? old?.items }));
  qc.setQueryData<GenerationOrder[]>(lookdevKeys.orders(order.production), (old) => {
    if (!old) return old;
    return [orderRow(order), ...old.filter((o) => o.id !== order.id)].sort(newestFirst);
  });
}

/** Statuses an item does not leave but by a retry (a new version). */
const ENDED = new Set(["succeeded", "failed", "cancelled"]);

/**
 * Put a saved item in its order's cached detail, unless the cache holds a newer version of it, or the same one
 * further along. `progress`: a live progress frame (same version as the item saved last), dropped when that item has
 * ended meanwhile.
 */
export function storeItem(qc: QueryClient, item: GenerationItem, progress = false): void {
  qc.setQueryData<GenerationOrder>(lookdevKeys.order(item.order), (old) => {
    if (!old?.items) return old;
    const cached = old.items.find((i) => i.id === item.id);
    if (cached && (cached.version > item.version || (progress && ENDED.has(cached.status)))) return old;
    // At one version (one attempt) an item's progress only grows: a frame overtaken by a later one is dropped.
    if (cached && cached.version === item.version && cached.status === item.status && item.progress < cached.progress) return old;
    const items = cached ? old.items.map((i) => (i.id === item.id ? item : i)) : [...old.items, item].sort((a, b) => a.index - b.index);
    return { ...old, items };
  });
}

/** Whether `product` belongs in the gallery list of `filters`: true/false when the product says, null when it cannot tell. */
export function productMatches(product: GenerationProduct, filters: ProductFilters): boolean | null {
  let unknown = false;
  for (const name of FILTER_NAMES) {
    const wanted = filters[name];
    if (!wanted) continue;
    if (name === "favourite") { if (String(product.favourite) !== wanted) return false; continue; }
    // A shot's products are those ordered for it and those used as its frames; a scene's, through its shots too.
    const values = name === "shot" ? [product.shot, assetOf(product)?.shot] : [product[name]];
    if (values.some((v) => v != null && String(v) === wanted)) continue;
    if (name === "scene" || values.every((v) => v === undefined)) { unknown = true; continue; }
    return false;
  }
  return unknown ? null : true;
}

/** The product's media asset, when the answer embeds it. */
export function assetOf(product: GenerationProduct): MediaAsset | undefined {
  return typeof product.media_asset === "object" && product.media_asset !== null ? product.media_asset : undefined;
}

/** The URL of the product's picture (a poster for a video), and of its file. */
export function productUrls(product: GenerationProduct): { picture: string | null; file: string | null; kind: string } {
  const asset = assetOf(product);
  const rendition = (kind: string) => asset?.renditions?.find((r) => r.kind === kind && r.url)?.url ?? null;
  const file = product.file_url ?? product.url ?? asset?.original_url ?? null;
  const kind = product.modality ?? asset?.kind ?? "image";
  const picture = product.poster_url ?? product.thumbnail_url ?? rendition("poster") ?? (kind === "image" ? file : null);
  return { picture, file, kind };
}

/** The parameters a product was made with (its item's, as stored in the asset's `generation`). */
export function productParameters(product: GenerationProduct): Record<string, unknown> {
  if (product.parameters) return product.parameters;
  const generation = assetOf(product)?.generation as Record<string, unknown> | undefined;
  const params = generation?.parameters;
  return params && typeof params === "object" ? (params as Record<string, unknown>) : {};
}

/** "$0.012" from a decimal string or number (null/"" → "—"). Below a cent, three decimals. */
export function usd(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === "") return "—";
  const n = Number(value);
  if (!Number.isFinite(n)) return "—";
  return `$${n.toFixed(n !== 0 && Math.abs(n) < 0.1 ? 3 : 2)}`;
}

/** A parameter's value as the form starts it: its default, as text. */
export function defaultText(schema: ParameterSchema): string {
  return schema.default === undefined || schema.default === null ? "" : String(schema.default);
}

/**
 * A form field's text as the API takes it: left out when empty (the server fills the default), a number for a plain
 * integer/number, a boolean for a plain "true"/"false", else the text itself — the server expands ranges and lists
 * (`1-4`, `3|5|7`, `{dusk|dawn}`) and validates each value against the schema.
 */
export function parameterValue(schema: ParameterSchema, text: string): string | number | boolean | undefined {
  const value = schema.type === "string" ? text : text.trim();
  if (value.trim() === "") return undefined;
  if ((schema.type === "integer" || schema.type === "number") && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (schema.type === "boolean" && (value === "true" || value === "false")) return value === "true";
  return value;
}

/** The range or values a parameter allows, for its description ("1 to 12, default 4"). */
export function parameterHint(schema: ParameterSchema): string {
  const parts: string[] = [];
  if (schema.type === "integer" || schema.type === "number") {
    if (schema.minimum !== undefined && schema.maximum !== undefined) parts.push(`${schema.type === "integer" ? "Whole number" : "Number"} ${schema.minimum} to ${schema.maximum}`);
    else if (schema.minimum !== undefined) parts.push(`At least ${schema.minimum}`);
    else if (schema.maximum !== undefined) parts.push(`At most ${schema.maximum}`);
    parts.push("a range (1-4) or a list (3|5|7) makes one item of each");
  }
  if (schema.type === "enum") parts.push(`One of the suggestions; a|b makes one item of each`);
  if (schema.type === "boolean") parts.push("true or false; true|false makes both");
  if (schema.type === "string") parts.push(`Choices like {dusk|dawn} make one item of each${schema.max_length ? `; at most ${schema.max_length} characters` : ""}`);
  if (schema.default !== undefined && schema.default !== null && schema.default !== "") parts.push(`default ${String(schema.default)}`);
  return parts.join(", ") + ".";
}

/** The variable that turns a provider on, when the machine does not name it. */
export function providerVariable(machine: Pick<Machine, "provider" | "variable">): string {
  return machine.variable || ({ fal: "FAL_KEY", replicate: "REPLICATE_API_TOKEN" } as Record<string, string>)[machine.provider] || "";
}

/** The field errors of a refused order: `extra.field` (the parameter named) and DRF's `extra.fields`; `""` for the rest. */
export function orderErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  const out: Record<string, string> = { ...error.fields };
  const field = error.extra.field;
  if (typeof field === "string" && field) out[field] = out[field] ?? error.message;
  if (Object.keys(out).length === 0) out[""] = error.message;
  return out;
}

/** A write answered with the saved order / item / product, put into the caches at once (its live event agrees). */
export function useLookdevAction<TBody, TResult extends object>(request: (body: TBody) => Promise<TResult>, store: (qc: QueryClient, result: TResult) => void) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: request, onSuccess: (result) => store(qc, result) });
}

/** Replace the product in every cached gallery list that has it. */
export function storeProduct(qc: QueryClient, product: GenerationProduct): void {
  qc.setQueriesData<GenerationProduct[]>({ queryKey: ["generation-products", product.production] }, (old) =>
    old?.map((p) => (p.id === product.id && p.version <= product.version ? product : p)));
}
