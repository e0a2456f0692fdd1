// Queries and mutations over the REST API. Screens use these; the realtime dispatch keeps them fresh.
import { queryOptions, useMutation, useQuery, useQueryClient, type QueryKey } from "@tanstack/react-query";
import { api, apiAll, ApiError } from "./client";
import { keys, type CommentTarget } from "./keys";
import { getOrJob } from "./renders";
import type {
  AiStatus, BreakdownSuggestion, CastMember, Clip, Character, Comment, ContinuityNote, Id, Job, Location, MediaAsset, Membership, Production, Prop,
  Scene, Script, ScriptDiff, ScriptVersion, ScriptVersionDetail, Shot, StoryboardFavourite, StoryboardTemplate, Take, User,
} from "./types";
import type { EntityEvent } from "../realtime/events";

export function useMe() {
  return useQuery({
    queryKey: keys.me,
    queryFn: async () => {
      try { return await api<User>("/api/auth/me/"); } catch (e) { if (e instanceof ApiError && (e.status === 401 || e.status === 403)) return null; throw e; }
    },
    staleTime: Infinity,
  });
}

export const useProductions = () => useQuery({ queryKey: keys.productions, queryFn: () => apiAll<Production>("/api/productions/") });
// A page's first queries are also started at start-up, beside the sign-in check (App.tsx, preloadPageFor): their options.
export const productionQuery = (id: Id) => queryOptions({ queryKey: keys.production(id), queryFn: () => api<Production>(`/api/productions/${id}/`), retry: (n, e) => !(e instanceof ApiError && e.status === 404) && n < 2 });
export const scenesQuery = (p: Id) => queryOptions({ queryKey: keys.scenes(p), queryFn: () => apiAll<Scene>(`/api/scenes/?production=${p}&ordering=script_order`) });
export const sceneQuery = (id: Id) => queryOptions({ queryKey: keys.scene(id), queryFn: () => api<Scene>(`/api/scenes/${id}/`) });
export const useProduction = (id: Id) => useQuery(productionQuery(id));
export const useMembers = (p: Id) => useQuery({ queryKey: keys.members(p), queryFn: () => apiAll<Membership>(`/api/productions/${p}/members/`) });
export const useScenes = (p: Id) => useQuery(scenesQuery(p));
export const useScene = (id: Id) => useQuery(sceneQuery(id));
export const useShots = (scene: Id, enabled = true) => useQuery({ queryKey: keys.shots(scene), enabled, queryFn: () => apiAll<Shot>(`/api/shots/?scene=${scene}&ordering=order`) });
export const useTakes = (scene: Id, enabled = true) => useQuery({ queryKey: keys.takes(scene), enabled, queryFn: () => apiAll<Take>(`/api/takes/?shot__scene=${scene}&ordering=number`) });
export const useNotes = (scene: Id) => useQuery({ queryKey: keys.notes(scene), queryFn: () => apiAll<ContinuityNote>(`/api/continuity-notes/?scene=${scene}`) });
export const useComments = (t: CommentTarget) => useQuery({ queryKey: keys.comments(t), queryFn: () => apiAll<Comment>(`/api/comments/?${t.kind}=${t.id}&ordering=created_at`) });
export const useCharacters = (p: Id) => useQuery({ queryKey: keys.characters(p), queryFn: () => apiAll<Character>(`/api/characters/?production=${p}`) });
export const useCastMembers = (p: Id) => useQuery({ queryKey: keys.castMembers(p), queryFn: () => apiAll<CastMember>(`/api/cast-members/?production=${p}`) });
export const useProps = (p: Id) => useQuery({ queryKey: keys.props(p), queryFn: () => apiAll<Prop>(`/api/props/?production=${p}`) });
export const useLocations = (p: Id) => useQuery({ queryKey: keys.locations(p), queryFn: () => apiAll<Location>(`/api/locations/?production=${p}`) });
export const useScripts = (p: Id) => useQuery({ queryKey: keys.scripts(p), queryFn: () => apiAll<Script>(`/api/scripts/?production=${p}`) });
export const useScriptVersions = (s: Id) => useQuery({ queryKey: keys.scriptVersions(s), queryFn: () => apiAll<ScriptVersion>(`/api/scripts/${s}/versions/`) });
/** The production's dailies: clips (kind video) and selects reels, newest first. Storyboard stills are listed per shot (`useShotImages`). */
export const useMedia = (p: Id) => useQuery({
  queryKey: keys.media(p),
  queryFn: async () => {
    const [clips, reels] = await Promise.all(["video", "reel"].map((kind) => apiAll<MediaAsset>(`/api/media/?production=${p}&kind=${kind}`)));
    return [...(clips ?? []), ...(reels ?? [])].sort((a, b) => b.created_at.localeCompare(a.created_at) || b.id - a.id);
  },
});
export const useMediaAsset = (id: Id) => useQuery({ queryKey: keys.mediaAsset(id), queryFn: () => api<MediaAsset>(`/api/media/${id}/`) });
export const useMediaVersions = (asset: Id) => useQuery({ queryKey: keys.mediaVersions(asset), queryFn: () => apiAll<MediaAsset>(`/api/media/${asset}/versions/`) });
export const useClips = (asset: Id) => useQuery({ queryKey: keys.clips(asset), queryFn: () => apiAll<Clip>(`/api/clips/?asset=${asset}&ordering=-created_at`) });
export const useJobs = (p: Id) => useQuery({ queryKey: keys.jobs(p), queryFn: async () => (await api<{ results: Job[] }>(`/api/jobs/?production=${p}&page_size=100`)).results });
/** A version with its Fountain `text`; versions never change, so it is fetched once. */
export const useScriptVersion = (id: Id | null) => useQuery({ queryKey: keys.scriptVersion(id ?? 0), queryFn: () => api<ScriptVersionDetail>(`/api/script-versions/${id}/`), enabled: id != null, staleTime: Infinity });
/** What changed between two version numbers, or the job that compares them (a big script); the diff, once there, never changes. */
export const useScriptDiff = (script: Id, from: number | null, to: number | null) => useQuery({
  queryKey: keys.scriptDiff(script, from ?? -1, to ?? -1), enabled: from != null && to != null,
  staleTime: (query) => (query.state.data?.kind === "ready" ? Infinity : 0),
  queryFn: () => getOrJob<ScriptDiff>(`/api/scripts/${script}/diff/?from=${from}&to=${to}`),
});
export const useAiStatus = () => useQuery({ queryKey: keys.aiStatus, queryFn: () => api<AiStatus>("/api/ai/status/"), staleTime: 60_000 });
export const useBreakdownSuggestions = (scene: Id) => useQuery({ queryKey: keys.breakdownSuggestions(scene), queryFn: () => apiAll<BreakdownSuggestion>(`/api/breakdown-suggestions/?scene=${scene}&ordering=category`) });
export const useStoryboardTemplates = (p: Id) => useQuery({ queryKey: keys.storyboardTemplates(p), queryFn: () => apiAll<StoryboardTemplate>(`/api/storyboard-templates/?production=${p}&ordering=name`) });
export const useStoryboardFavourites = (p: Id) => useQuery({ queryKey: keys.storyboardFavourites(p), queryFn: () => apiAll<StoryboardFavourite>(`/api/storyboard-favourites/?production=${p}`) });
export const useShotImages = (shot: Id) => useQuery({ queryKey: keys.shotImages(shot), queryFn: () => apiAll<MediaAsset>(`/api/media/?shot=${shot}&kind=image&ordering=created_at`) });
/** The production's newest 50 stored events (its activity feed); with `enabled` false, not asked for yet. */
export const useEvents = (p: Id, enabled = true) => useQuery({ queryKey: keys.events(p), enabled, queryFn: async () => (await api<{ results: EntityEvent[] }>(`/api/events/?production=${p}&page_size=50`)).results });

/** A write whose answer is the saved object: put it in the cache at once (the event will agree). */
export function useSave<TBody, TResult>(request: (body: TBody) => Promise<TResult>, onSaved?: (result: TResult) => QueryKey | void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: request,
    onSuccess: (result) => {
      const key = onSaved?.(result);
      if (key) void qc.invalidateQueries({ queryKey: key });
    },
  });
}

export const patch = <T,>(path: string, body: object) => api<T>(path, { method: "PATCH", json: body });
export const post = <T,>(path: string, body: object) => api<T>(path, { method: "POST", json: body });
export const del = (path: string) => api<void>(path, { method: "DELETE" });
