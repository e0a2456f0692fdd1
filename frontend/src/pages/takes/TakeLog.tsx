// The script supervisor's take log on a tablet: choose the shot being rolled (it stays chosen on this device), tap
// "New take" once per take, then circle / NG it and write its rolls, timecode and notes. Other members' takes and
// changes arrive live (the realtime dispatch keeps `keys.takes(scene)` fresh).
import { Alert, Button, Center, Group, Loader, Paper, SegmentedControl, Select, Stack, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconMovie } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { useSearchParams } from "react-router-dom";
import { ApiError } from "../../api/client";
import { useProduction, useScenes, useShots, useTakes } from "../../api/hooks";
import { keys } from "../../api/keys";
import type { Id, Take, TakeSound } from "../../api/types";
import { useProductionId } from "../../hooks/useProductionId";
import { usePresence } from "../../realtime/RealtimeProvider";
import { putInList } from "../scene/cache";
import { newTake } from "./api";
import { SOUNDS, TakeCard } from "./TakeCard";
import { newestFirst, rememberedShot, rememberShot } from "./takelog";

const byNumber = (t: Take) => t.number;

/** /productions/:id/takes */
export function TakeLog() {
  const production = useProductionId();
  const readOnly = useProduction(production).data?.my_role === "viewer";
  const scenes = useScenes(production);
  const [params, setParams] = useSearchParams();
  const remembered = useMemo(() => rememberedShot(production), [production]);
  const sceneId = Number(params.get("scene")) || remembered?.scene || null;
  const shotId = Number(params.get("shot")) || (sceneId === remembered?.scene ? remembered?.shot : null) || null;
  const shots = useShots(sceneId ?? 0, sceneId != null);
  const takes = useTakes(sceneId ?? 0, sceneId != null);
  const qc = useQueryClient();
  const [sound, setSound] = useState<TakeSound>("sync");
  const [rolling, setRolling] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<Id | null>(null);
  usePresence(production, shotId ? { shot: shotId } : null);

  const orderedShots = useMemo(() => [...(shots.data ?? [])].sort((a, b) => a.order - b.order || a.id - b.id), [shots.data]);
  const shot = orderedShots.find((s) => s.id === shotId) ?? null;
  const list = shot ? newestFirst(takes.data ?? [], shot.id) : [];
  const last = list[0];
  const expanded = open ?? last?.id ?? null;

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

  async function roll() {
    if (!shot) return;
    setRolling(true);
    setError(null);
    try {
      const take = await newTake(shot.id, last?.number ?? 0, sound);
      putInList(qc, keys.takes(take.scene), take, byNumber);
      setOpen(take.id);
    } catch (e) {
      if (e instanceof ApiError && e.code === "take_exists") {
        const current = e.extra.current as Take | null;
        if (current) { putInList(qc, keys.takes(current.scene), current, byNumber); setOpen(current.id); }
        else void qc.invalidateQueries({ queryKey: keys.takes(shot.scene) });
        notifications.show({ color: "yellow", title: current ? `Take ${current.number} is already logged` : "The takes changed",
          message: current ? "Another device logged it a moment ago: it is the take being rolled." : "Another device changed this shot's takes." });
      } else setError(e instanceof ApiError ? e.message : "The server could not be reached. Try again.");
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
          <TakeCard key={take.id} take={take} readOnly={readOnly} expanded={expanded === take.id}
            onToggle={() => setOpen(expanded === take.id ? -1 : take.id)} />
        ))}
      </Stack>
    </Stack>
  );
}
