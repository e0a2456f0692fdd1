// The scene page's parts below its header, in a chunk of their own (ScenePage.tsx asks for it once the header has
// painted and the browser is idle): shots and takes, continuity notes, the AI breakdown and the comments, and the
// "Assigned" picker. The header (slugline, status, synopsis) paints without waiting for their code or their data.
import { Box, Grid, Stack, VisuallyHidden } from "@mantine/core";
import type { UseQueryResult } from "@tanstack/react-query";
import { memo, useDeferredValue, useEffect, useMemo, useState } from "react";
import { useBreakdownSuggestions, useComments, useNotes, useShots, useTakes } from "../../api/hooks";
import type { Id } from "../../api/types";
import { usePaintedSteps } from "../../lazy";
import { useBrowserOnline } from "../../offline/status";
import { BreakdownPanel } from "../ai/BreakdownPanel";
import { CommentThread } from "./CommentThread";
import { ContinuityNotes } from "./ContinuityNotes";
import { ShotList } from "./ShotList";

export { SceneAssignees } from "./SceneAssignees";

/** The longest the sections wait for each other's lists before showing what they have (milliseconds). */
const WAIT_FOR_LISTS_MS = 2000;

/**
 * Shots and continuity on the left, breakdown and comments on the right (one column below xl). Rendered again only
 * when its props or its own queries change, not with each render of the page (the scene, its presence, its saves:
 * ten times during a load).
 */
export const SceneSections = memo(function SceneSections({ productionId, sceneId, canWrite }: { productionId: Id; sceneId: Id; canWrite: boolean }) {
  // All four at once, once their lists are in: one after another, each list arriving pushed the sections below it down
  // the screen (a layout shift of 0.09 on a phone). Not longer than WAIT_FOR_LISTS_MS, and not at all offline: each
  // section then says for itself what it is still waiting for.
  const lists: UseQueryResult[] = [useShots(sceneId), useTakes(sceneId), useNotes(sceneId), useBreakdownSuggestions(sceneId),
    useComments({ kind: "scene", id: sceneId })];
  const online = useBrowserOnline();
  const [waited, setWaited] = useState(false);
  const loading = online && !waited && lists.some((q) => q.isPending && q.fetchStatus === "fetching");
  useEffect(() => {
    if (!loading) return;
    const timer = window.setTimeout(() => setWaited(true), WAIT_FOR_LISTS_MS);
    return () => window.clearTimeout(timer);
  }, [loading]);
  // The lists' arrival renders synchronously (a query's result comes through useSyncExternalStore): the sections'
  // first render, the largest of the page, is moved to a transition, which React renders in slices between frames.
  const shown = useDeferredValue(!loading, false);
  // Then one section per frame, in reading order (shots, continuity, breakdown, comments): four smaller commits
  // instead of one that held a tablet's main thread for the whole lot. Each comes below or beside those already
  // there, so nothing on screen moves.
  const more = usePaintedSteps(shown ? 3 : 0);
  // The same elements from step to step, so a section already shown is not rendered again when the next one comes.
  const sections = useMemo(() => ({
    shots: <ShotList sceneId={sceneId} />,
    continuity: <ContinuityNotes sceneId={sceneId} />,
    breakdown: <BreakdownPanel productionId={productionId} sceneId={sceneId} canWrite={canWrite} />,
    comments: <CommentThread productionId={productionId} sceneId={sceneId} />,
  }), [productionId, sceneId, canWrite]);
  if (!shown) return <SectionsLoading />;
  return (
    <Grid gap="md">
      <Grid.Col span={{ base: 12, xl: 7 }}>
        <Stack gap="md">
          {sections.shots}
          {more >= 1 && sections.continuity}
        </Stack>
      </Grid.Col>
      <Grid.Col span={{ base: 12, xl: 5 }}>
        <Stack gap="md">
          {more >= 2 && sections.breakdown}
          {more >= 3 && sections.comments}
        </Stack>
      </Grid.Col>
    </Grid>
  );
});

/** What shows where the sections go while their code or their lists load: room for them, and a status that says so. */
function SectionsLoading() {
  return <Box mih={400} role="status"><VisuallyHidden>Loading…</VisuallyHidden></Box>;
}
