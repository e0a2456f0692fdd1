// One scene: slugline, synopsis, status, who else is looking, shots and takes, continuity notes, comments.
import { Alert, Anchor, Avatar, Badge, Box, type BoxProps, Button, Card, Center, Group, Loader, NativeSelect, Stack, Text, Textarea, Title, VisuallyHidden } from "@mantine/core";
import { IconArrowLeft, IconPencil } from "@tabler/icons-react";
import { memo, startTransition, Suspense, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { Link, useParams } from "react-router-dom";
import { ApiError } from "../api/client";
import { useMe, useProduction, useScene } from "../api/hooks";
import { SCENE_STATUSES, type Id, type Scene, type SceneStatus } from "../api/types";
import { eighths, statusColor, statusLabel } from "../format";
import { useProductionId } from "../hooks/useProductionId";
import { useFocusWhenClosed } from "../hooks/useReturnFocus";
import type { Shown } from "../offline/overlay";
import { PendingBadge } from "../offline/PendingBadge";
import { useShownOne } from "../offline/runtime";
import { usePresence, useRealtime } from "../realtime/RealtimeProvider";
import { lazyComponent, LoadBoundary, useWhenIdle } from "../lazy";
import { othersHere } from "./scene/presence";
import { ReviewBanner } from "./scene/ReviewBanner";
import { useSceneSave, type SceneSaver } from "./scene/useSceneSave";
import { PageTitle } from "../components/PageFrame";

// Below the header, in one chunk of their own, asked for once the header has painted and the browser is idle: the
// slugline, status and synopsis show with the scene's data, without waiting for the sections' code (shots, continuity,
// breakdown, comments: most of the page's weight), their queries or their rendering (docs/performance.md).
const loadSections = () => import("./scene/SceneSections");
const SceneSections = lazyComponent(loadSections, (m) => m.SceneSections);
const SceneAssignees = lazyComponent(loadSections, (m) => m.SceneAssignees);

/** /productions/:productionId/scenes/:sceneId */
export function ScenePage() {
  const productionId = useProductionId();
  const sceneId = Number(useParams().sceneId);
  const scene = useScene(sceneId);
  const shown = useShownOne("scene", scene.data); // with this tablet's waiting changes on it
  const saver = useSceneSave();
  const { client, presence } = useRealtime();
  const role = useProduction(productionId).data?.my_role;
  const canWrite = role != null && role !== "viewer";

  // Only once the stream is subscribed (the server's presence snapshot has come): on a fresh load the socket is
  // "live" before ProductionLayout subscribes, and a presence frame sent then is refused (`not_subscribed`).
  usePresence(presence[productionId] !== undefined ? productionId : undefined, { scene: sceneId });
  // Leaving the scene: stop showing up in its "also here".
  useEffect(() => () => client.presence(productionId, null), [client, productionId, sceneId]);

  const board = `/productions/${productionId}/board`;
  if (scene.isPending) return <Center h={200}><Loader /></Center>;
  if (!shown) {
    const missing = scene.error instanceof ApiError && scene.error.status === 404;
    return (
      <Stack align="flex-start" data-testid="scene-missing">
        <Alert color={missing ? "yellow" : "red"} title={missing ? "No such scene" : "The scene could not be loaded"}>
          {missing ? "It may have been deleted, or it belongs to another production." : scene.error?.message}
        </Alert>
        <Anchor component={Link} to={board}>Back to the board</Anchor>
      </Stack>
    );
  }
  const s = shown;
  return (
    <Stack gap="md" data-testid="scene-page" data-scene-id={s.id}>
      <Anchor component={Link} to={board} size="sm" w="fit-content" data-testid="back-to-board">
        <Group gap={4} component="span"><IconArrowLeft size={16} aria-hidden /> Scene board</Group>
      </Anchor>
      <Header scene={s} saver={saver} productionId={productionId} />
      <ReviewBanner scene={s} saver={saver} canWrite={canWrite} />
      <Synopsis scene={s} saver={saver} />
      <Later what="The shots, continuity notes, breakdown and comments" h={400} load={SceneSections.preload}>
        <SceneSections productionId={productionId} sceneId={s.id} canWrite={canWrite} />
      </Later>
      {saver.dialog}
    </Stack>
  );
}

/** Memoised: the page renders again with each connection or presence change; this only with its scene or saver. */
const Header = memo(function Header({ scene, saver, productionId }: { scene: Scene; saver: SceneSaver; productionId: Id }) {
  const saving = saver.saving.has(scene.id);
  return (
    <Group justify="space-between" align="flex-start" wrap="wrap" gap="sm">
      <Box style={{ minWidth: 0, flex: "1 1 320px" }}>
        <Text size="sm" c="dimmed" fw={600}>Scene {scene.number}</Text>
        <PageTitle data-testid="slugline" style={{ overflowWrap: "anywhere" }} title={`Scene ${scene.number}`}>{scene.slugline || `Scene ${scene.number}`}</PageTitle>
        <Group gap="xs" mt={6}>
          <Badge color={statusColor[scene.status]} data-testid="scene-status-badge">{statusLabel[scene.status]}</Badge>
          <PendingBadge mark={(scene as Shown<Scene>)._outbox} />
          <Badge variant="light" color="gray" data-testid="scene-eighths">{eighths(scene.page_eighths)} pages</Badge>
          {scene.time_of_day && <Badge variant="outline" color="gray">{scene.time_of_day}</Badge>}
        </Group>
      </Box>
      <Stack gap="xs" align="flex-end">
        <AlsoHere productionId={productionId} sceneId={scene.id} />
        <NativeSelect label="Status" aria-label="Scene status" data={SCENE_STATUSES.map((v) => ({ value: v, label: statusLabel[v] ?? v }))}
          value={scene.status} disabled={saving} w={180} data-testid="scene-status"
          onChange={(e) => { const v = e.currentTarget.value; if (v !== scene.status) void saver.save(scene, { status: v as SceneStatus }); }} />
        <Later what="The assigned crew" h={60} w={{ base: "100%", xs: 260 }} load={SceneAssignees.preload}>
          <SceneAssignees scene={scene} saver={saver} />
        </Later>
      </Stack>
    </Group>
  );
});

function AlsoHere({ productionId, sceneId }: { productionId: Id; sceneId: Id }) {
  const { presence } = useRealtime();
  const me = useMe().data;
  const people = useMemo(() => othersHere(presence[productionId], sceneId, me?.id), [presence, productionId, sceneId, me?.id]);
  if (!people.length) return <Box data-testid="also-here" data-count={0} />;
  return (
    <Group gap="xs" data-testid="also-here" data-count={people.length}>
      <Text size="xs" c="dimmed">Also here</Text>
      <Avatar.Group spacing="sm">
        {people.slice(0, 5).map((p) => (
          <Avatar key={p.id} radius="xl" color="yellow" variant="filled" data-testid="presence-avatar" data-user-id={p.id} aria-label={p.name}
            title={p.name}>{p.initials}</Avatar>
        ))}
        {people.length > 5 && (
          <Avatar radius="xl" title={people.slice(5).map((p) => p.name).join(", ")}>+{people.length - 5}</Avatar>
        )}
      </Avatar.Group>
    </Group>
  );
}

/** Memoised: the page renders again with each connection or presence change; this only with its scene or saver. */
const Synopsis = memo(function Synopsis({ scene, saver }: { scene: Scene; saver: SceneSaver }) {
  // Editing: the text and the version it is based on (a newer version arriving meanwhile makes the save a conflict, not an overwrite).
  const [edit, setEdit] = useState<{ text: string; base: Scene } | null>(null);
  const [busy, setBusy] = useState(false);
  const editButton = useRef<HTMLButtonElement>(null);
  useFocusWhenClosed(edit !== null, editButton); // saved, cancelled or escaped: focus back on Edit
  const changedMeanwhile = edit && edit.base.version !== scene.version && edit.base.synopsis !== scene.synopsis;

  async function save() {
    if (!edit) return;
    if (edit.text === edit.base.synopsis) { setEdit(null); return; }
    setBusy(true);
    const ok = await saver.save(edit.base, { synopsis: edit.text }, { onResolved: () => setEdit(null) });
    setBusy(false);
    if (ok) setEdit(null);
  }

  return (
    <Card withBorder data-testid="synopsis-card">
      <Group justify="space-between" mb={edit ? "xs" : 4}>
        <Title order={2} size="h4">Synopsis</Title>
        {!edit && (
          <Button ref={editButton} variant="subtle" size="compact-md" h={44} leftSection={<IconPencil size={16} />} onClick={() => setEdit({ text: scene.synopsis, base: scene })}
            data-testid="synopsis-edit">Edit</Button>
        )}
      </Group>
      {edit ? (
        <form onSubmit={(e) => { e.preventDefault(); void save(); }}>
          <Stack gap="xs">
            {changedMeanwhile && (
              <Alert color="yellow" data-testid="synopsis-changed">Someone else changed the synopsis while you were editing. Saving will ask which to keep.</Alert>
            )}
            <Textarea autosize minRows={3} maxRows={14} value={edit.text} autoFocus aria-label="Synopsis" data-testid="synopsis-input"
              onChange={(e) => { const text = e.currentTarget.value; setEdit((old) => (old ? { ...old, text } : old)); }}
              onKeyDown={(e) => {
                if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) { e.preventDefault(); void save(); }
                if (e.key === "Escape") setEdit(null);
              }} />
            <Group justify="flex-end" gap="xs">
              <Button variant="default" onClick={() => setEdit(null)}>Cancel</Button>
              <Button type="submit" loading={busy} data-testid="synopsis-save">Save</Button>
            </Group>
          </Stack>
        </form>
      ) : (
        <Text data-testid="synopsis" c={scene.synopsis ? undefined : "dimmed"} style={{ whiteSpace: "pre-wrap", cursor: "text" }}
          onDoubleClick={() => setEdit({ text: scene.synopsis, base: scene })}>
          {scene.synopsis || "No synopsis yet."}
        </Text>
      )}
    </Card>
  );
});

/**
 * A part of the page in a chunk of its own, rendered once the browser is idle after the header: until its code is in,
 * an empty box of about its height (`h`, pixels: what is below does not jump when it comes) that says so to screen
 * readers; if the code cannot be loaded (offline on an old build), a line that says `what` is missing, and a way to
 * try again.
 */
function Later({ what, h, w, load, children }: {
  what: string; h: number; w?: BoxProps["w"]; load: () => Promise<unknown>; children: ReactNode;
}) {
  const idle = useWhenIdle();
  // Its children render once their code is in, not before: a lazy component that suspends here had React commit
  // the fallback again and again while the chunk was on its way (about 200 commits on a slow tablet).
  const [loaded, setLoaded] = useState<"no" | "yes" | "failed">("no");
  useEffect(() => {
    if (!idle || loaded !== "no") return;
    let live = true;
    load().then(() => { if (live) startTransition(() => setLoaded("yes")); }, () => { if (live) setLoaded("failed"); });
    return () => { live = false; };
  }, [idle, load, loaded]);
  const waiting = <Box mih={h} w={w} role="status"><VisuallyHidden>Loading…</VisuallyHidden></Box>;
  const failed = (
    <Alert color="yellow" w={w} data-testid="scene-part-failed">
      {what} could not be loaded. Check the connection, then <Anchor component="button" onClick={() => window.location.reload()}>try again</Anchor>.
    </Alert>
  );
  if (loaded === "failed") return failed;
  return (
    <LoadBoundary fallback={failed}>
      <Suspense fallback={waiting}>{loaded === "yes" ? children : waiting}</Suspense>
    </LoadBoundary>
  );
}
