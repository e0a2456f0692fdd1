// One scene: slugline, synopsis, status, who else is looking, shots and takes, continuity notes, comments.
import { Alert, Anchor, Avatar, Badge, Box, Button, Card, Center, Grid, Group, Loader, Select, Stack, Text, Textarea, Title, Tooltip } from "@mantine/core";
import { IconArrowLeft, IconPencil } from "@tabler/icons-react";
import { useEffect, useMemo, useRef, useState } from "react";
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
import { BreakdownPanel } from "./ai/BreakdownPanel";
import { CommentThread } from "./scene/CommentThread";
import { ContinuityNotes } from "./scene/ContinuityNotes";
import { othersHere } from "./scene/presence";
import { ReviewBanner } from "./scene/ReviewBanner";
import { SceneAssignees } from "./scene/SceneAssignees";
import { ShotList } from "./scene/ShotList";
import { useSceneSave, type SceneSaver } from "./scene/useSceneSave";
import { PageTitle } from "../components/PageFrame";

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
      <Grid gap="md">
        <Grid.Col span={{ base: 12, xl: 7 }}>
          <Stack gap="md">
            <ShotList sceneId={s.id} />
            <ContinuityNotes sceneId={s.id} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, xl: 5 }}>
          <Stack gap="md">
            <BreakdownPanel productionId={productionId} sceneId={s.id} canWrite={canWrite} />
            <CommentThread productionId={productionId} sceneId={s.id} />
          </Stack>
        </Grid.Col>
      </Grid>
      {saver.dialog}
    </Stack>
  );
}

function Header({ scene, saver, productionId }: { scene: Scene; saver: SceneSaver; productionId: Id }) {
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
        <Select label="Status" aria-label="Scene status" data={SCENE_STATUSES.map((v) => ({ value: v, label: statusLabel[v] ?? v }))} value={scene.status}
          allowDeselect={false} disabled={saving} w={180} data-testid="scene-status"
          onChange={(v) => { if (v && v !== scene.status) void saver.save(scene, { status: v as SceneStatus }); }} />
        <SceneAssignees scene={scene} saver={saver} />
      </Stack>
    </Group>
  );
}

function AlsoHere({ productionId, sceneId }: { productionId: Id; sceneId: Id }) {
  const { presence } = useRealtime();
  const me = useMe().data;
  const people = useMemo(() => othersHere(presence[productionId], sceneId, me?.id), [presence, productionId, sceneId, me?.id]);
  if (!people.length) return <Box data-testid="also-here" data-count={0} />;
  return (
    <Group gap="xs" data-testid="also-here" data-count={people.length}>
      <Text size="xs" c="dimmed">Also here</Text>
      <Tooltip.Group openDelay={200}>
        <Avatar.Group spacing="sm">
          {people.slice(0, 5).map((p) => (
            <Tooltip key={p.id} label={p.name} withArrow>
              <Avatar radius="xl" color="yellow" variant="filled" data-testid="presence-avatar" data-user-id={p.id} aria-label={p.name}>{p.initials}</Avatar>
            </Tooltip>
          ))}
          {people.length > 5 && (
            <Tooltip label={people.slice(5).map((p) => p.name).join(", ")} withArrow><Avatar radius="xl">+{people.length - 5}</Avatar></Tooltip>
          )}
        </Avatar.Group>
      </Tooltip.Group>
    </Group>
  );
}

function Synopsis({ scene, saver }: { scene: Scene; saver: SceneSaver }) {
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
}
