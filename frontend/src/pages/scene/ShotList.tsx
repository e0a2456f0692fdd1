// Shots (setups) of a scene and the takes of each: add, edit, circle (print), NG, notes. Takes are written through the
// offline outbox (kept on the tablet, shown at once, sent in order; its conflict choice on a 409).
import { ActionIcon, Alert, Badge, Box, Button, Card, Group, NativeSelect, NumberInput, Paper, Stack, Text, TextInput, Title } from "@mantine/core";
import { IconBan, IconCircle, IconCircleCheckFilled, IconPencil, IconPhoto, IconPlus } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { ApiError } from "../../api/client";
import { patch, post, useProduction, useShots, useTakes } from "../../api/hooks";
import { keys } from "../../api/keys";
import type { Id, Shot, Take } from "../../api/types";
import { useConflict } from "../../components/ConflictDialog";
import { useFocusWhenClosed } from "../../hooks/useReturnFocus";
import type { Shown } from "../../offline/overlay";
import { PendingBadge } from "../../offline/PendingBadge";
import { getOutbox, useShown, useStableKey } from "../../offline/runtime";
import { takeCreate, takeUpdate } from "../../offline/writes";
import { StoryboardDrawer } from "../ai/StoryboardDrawer";
import { putInList } from "./cache";

/** apps/scenes/models.py ShotType. */
export const SHOT_TYPES: { value: string; label: string }[] = [
  { value: "EWS", label: "EWS — extreme wide" }, { value: "WS", label: "WS — wide" }, { value: "FS", label: "FS — full" },
  { value: "MWS", label: "MWS — medium wide" }, { value: "MS", label: "MS — medium" }, { value: "MCU", label: "MCU — medium close-up" },
  { value: "CU", label: "CU — close-up" }, { value: "ECU", label: "ECU — extreme close-up" }, { value: "OTS", label: "OTS — over the shoulder" },
  { value: "POV", label: "POV — point of view" }, { value: "2S", label: "2S — two shot" }, { value: "INSERT", label: "INSERT" },
  { value: "CUTAWAY", label: "CUTAWAY" }, { value: "AERIAL", label: "AERIAL" },
];
/** apps/scenes/models.py Movement. */
export const MOVEMENTS: { value: string; label: string }[] = [
  { value: "static", label: "Static" }, { value: "pan", label: "Pan" }, { value: "tilt", label: "Tilt" }, { value: "dolly", label: "Dolly" },
  { value: "track", label: "Tracking" }, { value: "crane", label: "Crane / jib" }, { value: "handheld", label: "Handheld" },
  { value: "steadicam", label: "Steadicam" }, { value: "gimbal", label: "Gimbal" }, { value: "zoom", label: "Zoom" }, { value: "drone", label: "Drone" },
];
const SHOT_STATUSES = [{ value: "planned", label: "Planned" }, { value: "shot", label: "Shot" }, { value: "omitted", label: "Omitted" }];
const movementLabel = (m: string) => MOVEMENTS.find((x) => x.value === m)?.label ?? m;
const message = (e: unknown) => (e instanceof ApiError ? e.message : "The server could not be reached. Try again.");

export function ShotList({ sceneId }: { sceneId: Id }) {
  const shots = useShots(sceneId);
  const takes = useTakes(sceneId);
  const shownTakes = useShown("take", keys.takes(sceneId), takes.data); // with this tablet's waiting takes and changes
  const [adding, setAdding] = useState(false);
  const addButton = useRef<HTMLButtonElement>(null);
  useFocusWhenClosed(adding, addButton);
  const list = [...(shots.data ?? [])].sort((a, b) => a.order - b.order || a.id - b.id);
  return (
    <Card withBorder data-testid="shots">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h3">Shots and takes</Title>
        {!adding && <Button ref={addButton} leftSection={<IconPlus size={18} />} variant="light" onClick={() => setAdding(true)} data-testid="add-shot">Add shot</Button>}
      </Group>
      {(shots.error ?? takes.error) && <Alert color="red">{(shots.error ?? takes.error)?.message}</Alert>}
      <Stack gap="sm">
        {adding && <ShotForm sceneId={sceneId} onDone={() => setAdding(false)} />}
        {shots.isPending && <Text size="sm" c="dimmed">Loading…</Text>}
        {shots.data?.length === 0 && !adding && <Text size="sm" c="dimmed">No shots planned for this scene yet.</Text>}
        {list.map((shot) => <ShotView key={shot.id} shot={shot} takes={(shownTakes ?? []).filter((t) => t.shot === shot.id)} />)}
      </Stack>
    </Card>
  );
}

function ShotView({ shot, takes }: { shot: Shot; takes: Shown<Take>[] }) {
  const [editing, setEditing] = useState(false);
  const editButton = useRef<HTMLButtonElement>(null);
  useFocusWhenClosed(editing, editButton);
  const rate = useProduction(shot.production).data?.timecode_rate;
  const keyOf = useStableKey();
  const [error, setError] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const [storyboard, setStoryboard] = useState(false);
  const sorted = [...takes].sort((a, b) => a.number - b.number);
  async function addTake() {
    setAdding(true);
    setError(null);
    try {
      await getOutbox().enqueue(takeCreate(shot, (sorted[sorted.length - 1]?.number ?? 0) + 1, rate));
    } catch (e) {
      setError(`This tablet could not keep the take (${e instanceof Error ? e.message : String(e)}).`);
    } finally {
      setAdding(false);
    }
  }
  if (editing) return <ShotForm sceneId={shot.scene} shot={shot} onDone={() => setEditing(false)} />;
  return (
    <Paper withBorder p="sm" radius="md" data-testid="shot" data-shot-id={shot.id} data-shot-number={shot.number}
      style={{ opacity: shot.status === "omitted" ? 0.6 : 1 }}>
      <Group justify="space-between" wrap="nowrap" align="flex-start">
        <Box style={{ minWidth: 0 }}>
          <Group gap="xs" wrap="wrap">
            <Text fw={800} size="lg" data-testid="shot-number">{shot.number}</Text>
            <Badge variant="filled" color="gray" data-testid="shot-type">{shot.type}</Badge>
            {shot.lens_mm != null && <Badge variant="outline" color="gray" data-testid="shot-lens">{shot.lens_mm} mm</Badge>}
            {shot.movement && <Badge variant="light" color="blue">{movementLabel(shot.movement)}</Badge>}
            {shot.status !== "planned" && <Badge variant="light" color={shot.status === "shot" ? "green" : "red"}>{shot.status}</Badge>}
          </Group>
          {shot.description && <Text size="sm" mt={4} data-testid="shot-description">{shot.description}</Text>}
        </Box>
        <Group gap={2} wrap="nowrap">
          <ActionIcon title="Storyboard" variant="subtle" color="gray" aria-label={`Storyboard of shot ${shot.number}`} onClick={() => setStoryboard(true)} data-testid="storyboard-open">
            <IconPhoto size={18} />
          </ActionIcon>
          <ActionIcon title="Edit shot" ref={editButton} variant="subtle" color="gray" aria-label={`Edit shot ${shot.number}`} onClick={() => setEditing(true)} data-testid="edit-shot">
            <IconPencil size={18} />
          </ActionIcon>
        </Group>
      </Group>
      <StoryboardDrawer shot={shot} opened={storyboard} onClose={() => setStoryboard(false)} />
      <Stack gap={6} mt="xs">
        {sorted.map((take) => <TakeRow key={keyOf(take.id)} take={take} />)}
        {error && <Text size="sm" c="red" role="alert">{error}</Text>}
        <Group>
          <Button variant="subtle" size="compact-md" h={44} leftSection={<IconPlus size={16} />} loading={adding} onClick={() => void addTake()} data-testid="add-take">
            Take {sorted.length ? (sorted[sorted.length - 1]?.number ?? 0) + 1 : 1}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

type ShotFields = { number: string; type: string; lens_mm: number | null; movement: string; description: string; status: Shot["status"] };

function ShotForm({ sceneId, shot, onDone }: { sceneId: Id; shot?: Shot; onDone: () => void }) {
  const qc = useQueryClient();
  const conflict = useConflict<Shot>("shot");
  const [values, setValues] = useState<ShotFields>(() => ({
    number: shot?.number ?? "", type: shot?.type ?? "WS", lens_mm: shot?.lens_mm ?? null, movement: shot?.movement ?? "static",
    description: shot?.description ?? "", status: shot?.status ?? "planned",
  }));
  const [base] = useState(shot); // the version this edit is based on (a newer one arriving meanwhile is a conflict, not an overwrite)
  const [fields, setFields] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof ShotFields>(k: K, v: ShotFields[K]) => setValues((old) => ({ ...old, [k]: v }));
  const store = (s: Shot) => putInList(qc, keys.shots(sceneId), s, (x) => x.order);

  async function save(version = base?.version) {
    setBusy(true);
    setFields({});
    setFormError(null);
    const body = { ...values, lens_mm: values.lens_mm || null };
    try {
      if (base) {
        const changed = Object.fromEntries(Object.entries(body).filter(([k, v]) => base[k as keyof Shot] !== v));
        store(await patch<Shot>(`/api/shots/${base.id}/`, { ...changed, version }));
      } else {
        store(await post<Shot>("/api/shots/", { scene: sceneId, ...body, number: body.number.trim() || undefined }));
      }
      onDone();
    } catch (e) {
      if (conflict.handle(e, body, { keepMine: (theirs) => void save(theirs.version), takeTheirs: (theirs) => { store(theirs); onDone(); } })) return;
      if (e instanceof ApiError && Object.keys(e.fields).length) {
        setFields(e.fields);
        if (e.fields.non_field_errors) setFormError(e.fields.non_field_errors);
      } else setFormError(message(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Paper withBorder p="sm" radius="md" data-testid="shot-form">
      <form onSubmit={(e) => { e.preventDefault(); void save(); }}>
        <Stack gap="xs">
          {formError && <Alert color="red">{formError}</Alert>}
          {/* Native selects: the tablet's own picker, and nothing set up before one is opened (docs/performance.md). */}
          <Group grow wrap="wrap" align="flex-start" gap="xs">
            <TextInput label="Number" placeholder="next" value={values.number} onChange={(e) => set("number", e.currentTarget.value)} error={fields.number}
              data-testid="shot-number-input" maw={120} miw={90} />
            <NativeSelect label="Type" data={SHOT_TYPES} value={values.type} onChange={(e) => set("type", e.currentTarget.value)} error={fields.type}
              data-testid="shot-type-select" miw={170} />
            <NumberInput label="Lens (mm)" min={1} max={2000} allowDecimal={false} value={values.lens_mm ?? ""} error={fields.lens_mm}
              onChange={(v) => set("lens_mm", typeof v === "number" ? v : null)} data-testid="shot-lens-input" maw={130} miw={100} />
            <NativeSelect label="Movement" data={MOVEMENTS} value={values.movement} onChange={(e) => set("movement", e.currentTarget.value)}
              error={fields.movement} data-testid="shot-movement-select" miw={140} />
            {base && <NativeSelect label="Status" data={SHOT_STATUSES} value={values.status}
              onChange={(e) => set("status", e.currentTarget.value as Shot["status"])} error={fields.status} data-testid="shot-status-select" miw={120} />}
          </Group>
          <TextInput label="Description" placeholder="Push in on Ana as she reads the letter" value={values.description}
            onChange={(e) => set("description", e.currentTarget.value)} error={fields.description} data-testid="shot-description-input" />
          <Group justify="flex-end" gap="xs">
            <Button variant="default" onClick={onDone}>Cancel</Button>
            <Button type="submit" loading={busy} data-testid="shot-save">{base ? "Save shot" : "Add shot"}</Button>
          </Group>
        </Stack>
      </form>
      {conflict.dialog}
    </Paper>
  );
}

function TakeRow({ take }: { take: Shown<Take> }) {
  const [error, setError] = useState<string | null>(null);
  // Notes: while typing, the text and the version it started from are ours; otherwise the live value shows.
  const [draft, setDraft] = useState<{ text: string; version: number; base: string } | null>(null);

  function save(changes: Partial<Pick<Take, "circled" | "no_good" | "notes">>, version = take.version, before?: Record<string, unknown>): void {
    setError(null);
    getOutbox().enqueue(takeUpdate(take, changes, version, before)).then(
      () => { if ("notes" in changes) setDraft(null); },
      (e: unknown) => setError(`This tablet could not keep the change (${e instanceof Error ? e.message : String(e)}).`));
  }
  const saveNotes = () => { if (draft && draft.text !== take.notes) save({ notes: draft.text }, draft.version, { notes: draft.base }); else setDraft(null); };

  return (
    <Box data-testid="take" data-take-id={take.id} data-take-number={take.number} data-circled={take.circled} data-no-good={take.no_good}
      data-pending={take._outbox?.state}>
      <Group gap="xs" wrap="nowrap" align="center">
        <Text title={take.circled ? "Circled (print)" : take.no_good ? "NG" : `Take ${take.number}`} fw={700} w={44} ta="center" style={{
          flexShrink: 0, lineHeight: "32px", borderRadius: 22, border: take.circled ? "2px solid var(--mantine-color-green-5)" : "2px solid transparent",
          textDecoration: take.no_good ? "line-through" : undefined, color: take.no_good ? "var(--mantine-color-red-5)" : undefined,
        }}>{take.number}</Text>
        <ActionIcon title={take.circled ? "Uncircle" : "Circle (print)"} variant={take.circled ? "filled" : "default"} color="green" aria-label={`Circle take ${take.number}`} aria-pressed={take.circled}
          onClick={() => void save({ circled: !take.circled })} data-testid="take-circle">
          {take.circled ? <IconCircleCheckFilled size={20} /> : <IconCircle size={20} />}
        </ActionIcon>
        <ActionIcon title={take.no_good ? "Not NG" : "Mark NG (no good)"} variant={take.no_good ? "filled" : "default"} color="red" aria-label={`NG take ${take.number}`} aria-pressed={take.no_good}
          onClick={() => void save({ no_good: !take.no_good })} data-testid="take-ng">
          <IconBan size={20} />
        </ActionIcon>
        <TextInput aria-label={`Notes on take ${take.number}`} placeholder="Notes" style={{ flex: 1, minWidth: 0 }} size="md"
          value={draft ? draft.text : take.notes} data-testid="take-notes"
          onChange={(e) => { const text = e.currentTarget.value; setDraft((d) => ({ text, version: d?.version ?? take.version, base: d?.base ?? take.notes })); }}
          onBlur={saveNotes}
          onKeyDown={(e) => { if (e.key === "Enter") { e.preventDefault(); saveNotes(); } if (e.key === "Escape") setDraft(null); }} />
        <PendingBadge mark={take._outbox} />
      </Group>
      {error && <Text size="sm" c="red" mt={2} ml={52} role="alert" data-testid="take-error">{error}</Text>}
    </Box>
  );
}
