// The script supervisor's take log on a tablet: choose the shot being rolled (it stays chosen on this device), tap
// "New take" once per take, then circle / NG it and write its rolls, timecode and notes. Other members' takes and
// changes arrive live (the realtime dispatch keeps `keys.takes(scene)` fresh).
import { Alert, Button, Center, Group, Loader, Paper, SegmentedControl, Select, Stack, Text } from "@mantine/core";
import { IconMovie } from "@tabler/icons-react";
import { useEffect, useMemo, useState } from "react";
import { useSearchParams } from "react-router-dom";
import { useProduction, useScenes, useShots, useTakes } from "../../api/hooks";
import { keys } from "../../api/keys";
import type { Id, TakeSound } from "../../api/types";
import { useProductionId } from "../../hooks/useProductionId";
import { getOutbox, useShown, useStableKey } from "../../offline/runtime";
import { takeNew } from "../../offline/writes";
import { usePresence } from "../../realtime/RealtimeProvider";
import { SOUNDS, TakeCard } from "./TakeCard";
import { newestFirst, rememberedShot, rememberShot } from "./takelog";

/** /productions/:id/takes */
export function TakeLog() {
  const production = useProductionId();
  const productionData = useProduction(production).data;
  const readOnly = productionData?.my_role === "viewer";
  const scenes = useScenes(production);
  const [params, setParams] = useSearchParams();
  const remembered = useMemo(() => rememberedShot(production), [production]);
  const sceneId = Number(params.get("scene")) || remembered?.scene || null;
  const shotId = Number(params.get("shot")) || (sceneId === remembered?.scene ? remembered?.shot : null) || null;
  const shots = useShots(sceneId ?? 0, sceneId != null);
  const takes = useTakes(sceneId ?? 0, sceneId != null);
  // The server's takes with this tablet's waiting ones and changes on them (every write goes through the outbox).
  const shownTakes = useShown("take", keys.takes(sceneId ?? 0), takes.data);
  const cardKey = useStableKey(); // a take logged offline keeps its card (and what is typed in it) when its server id comes
  const [sound, setSound] = useState<TakeSound>("sync");
  const [rolling, setRolling] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<Id | null>(null);
  usePresence(production, shotId ? { shot: shotId } : null);

  const orderedShots = useMemo(() => [...(shots.data ?? [])].sort((a, b) => a.order - b.order || a.id - b.id), [shots.data]);
  const shot = orderedShots.find((s) => s.id === shotId) ?? null;
  const list = shot ? newestFirst(shownTakes ?? [], shot.id) : [];
  const last = list[0];
  const expanded = open ?? (last ? cardKey(last.id) : null);

  // The scene's first shot once its shots are loaded, when none (or one of another scene) is chosen.
  useEffect(() => {
    if (sceneId != null && shots.data && !shot && orderedShots[0]) choose(sceneId, orderedShots[0].id);
  });
  useEffect(() => { if (sceneId != null && shotId != null) rememberShot(production, { scene: sceneId, shot: shotId }); }, [production, sceneId, shotId]);

  function choose(scene: Id | null, shotChoice: Id | null) {
    const next = new URLSearchParams(params);
    if (scene != null) next.set("scene", String(scene)); else next.delete("scene");
    if (shotChoice != null) next.set("shot", String(shotChoice)); else next.delete("shot");
    setParams(next, { replace: true });
    setOpen(null);
  }

  /**
   * One tap: the next take, kept in the outbox and shown at once (sent at once when online, in order when the network
   * returns). Another device having logged that number first is a conflict the outbox asks about: the same take, or
   * mine is the next one.
   */
  async function roll() {
    if (!shot) return;
    setRolling(true);
    setError(null);
    try {
      const item = await getOutbox().enqueue(takeNew(shot, last?.number ?? 0, sound, last, productionData?.timecode_rate));
      setOpen(item.tempId);
    } catch (e) {
      setError(`This tablet could not keep the take (${e instanceof Error ? e.message : String(e)}). Try again.`);
    } finally {
      setRolling(false);
    }
  }

  if (scenes.isPending) return <Center h={200}><Loader /></Center>;
  if (scenes.error) return <Alert color="red" title="The scenes could not be loaded">{scenes.error.message}</Alert>;
  const sceneOptions = (scenes.data ?? []).map((s) => ({ value: String(s.id), label: `${s.number} · ${s.slugline}` }));
  const shotOptions = orderedShots.map((s) => ({ value: String(s.id), label: `${s.number} · ${s.type}${s.lens_mm ? ` ${s.lens_mm}mm` : ""}${s.description ? ` · ${s.description}` : ""}` }));

  return (
    <Stack gap="sm" data-testid="take-log">
      <Paper withBorder radius="md" p="sm">
        <Group grow align="flex-end" gap="sm">
          <Select size="lg" label="Scene" placeholder="Choose the scene" data={sceneOptions} searchable allowDeselect={false}
            value={sceneId != null ? String(sceneId) : null} onChange={(v) => choose(v ? Number(v) : null, null)} data-testid="pick-scene"
            nothingFoundMessage="No such scene" />
          <Select size="lg" label="Shot" placeholder={sceneId ? "Choose the setup" : "Choose a scene first"} data={shotOptions} allowDeselect={false}
            value={shot ? String(shot.id) : null} onChange={(v) => choose(sceneId, v ? Number(v) : null)} data-testid="pick-shot"
            disabled={sceneId == null} nothingFoundMessage="This scene has no shots: add them on the scene page" />
        </Group>
      </Paper>
      {shot && !readOnly && (
        <Group gap="sm" wrap="nowrap" align="stretch">
          <Button size="xl" h="auto" mih={72} style={{ flex: 2 }} leftSection={<IconMovie size={28} />} loading={rolling} onClick={() => void roll()}
            data-testid="new-take">
            New take {(last?.number ?? 0) + 1}
          </Button>
          <SegmentedControl size="lg" style={{ flex: 1, alignSelf: "center" }} data={SOUNDS} value={sound} onChange={(v) => setSound(v as TakeSound)}
            data-testid="new-take-sound" aria-label="Sound of the new take" orientation="vertical" />
        </Group>
      )}
      {error && <Alert color="red" data-testid="take-log-error">{error}</Alert>}
      {shot && takes.isPending && <Center h={120}><Loader /></Center>}
      {shot && takes.data && list.length === 0 && <Text c="dimmed" ta="center" py="lg">No takes on this shot yet. Tap “New take” when the camera rolls.</Text>}
      {!shot && sceneId != null && shots.data?.length === 0 && (
        <Text c="dimmed" ta="center" py="lg">This scene has no shots yet: add its setups on the scene page.</Text>
      )}
      {!sceneId && <Text c="dimmed" ta="center" py="lg">Choose the scene and the shot being rolled.</Text>}
      <Stack gap="xs" data-testid="takes">
        {list.map((take) => (
          <TakeCard key={cardKey(take.id)} take={take} readOnly={readOnly} expanded={expanded === cardKey(take.id)}
            onToggle={() => setOpen(expanded === cardKey(take.id) ? -1 : cardKey(take.id))} />
        ))}
      </Stack>
    </Stack>
  );
}
