// Putting what an upload answered into the cache at once (the realtime events will agree).
import type { QueryClient } from "@tanstack/react-query";
import { keys } from "../../api/keys";
import type { Id, Job, MediaAsset } from "../../api/types";
import { putInList } from "../scene/cache";

/** Add `job` to the production's job list unless an event already put it (or a newer state of it) there. */
export function seedJob(qc: QueryClient, production: Id, job: Job): void {
  qc.setQueryData<Job[]>(keys.jobs(production), (old) => (old && !old.some((j) => j.id === job.id) ? [job, ...old] : old));
}

/** Add an uploaded clip to the production's dailies unless its `media_asset.created` event came first. */
export function seedAsset(qc: QueryClient, production: Id, asset: MediaAsset): void {
  qc.setQueryData<MediaAsset[]>(keys.media(production), (old) => (old && !old.some((a) => a.id === asset.id) ? [asset, ...old] : old));
  if (!qc.getQueryData(keys.mediaAsset(asset.id))) qc.setQueryData(keys.mediaAsset(asset.id), asset);
}

/** A saved asset (link, approval, suggestion applied): into the dailies list and its own entry, unless the cache has a newer version. */
export function storeAsset(qc: QueryClient, asset: MediaAsset): void {
  putInList(qc, keys.media(asset.production), asset, (m) => -Date.parse(m.created_at));
  const current = qc.getQueryData<MediaAsset>(keys.mediaAsset(asset.id));
  if (!current || current.version <= asset.version) qc.setQueryData(keys.mediaAsset(asset.id), asset);
}
