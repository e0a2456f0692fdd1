// One take on the tablet: circle / NG at a thumb's reach, then what the script supervisor writes down — cameras with
// their rolls and lenses, the sound roll, timecode in and out, sync / MOS / wild track, notes. Each field saves on
// blur (or Enter) with the version it was typed on, through the offline outbox (kept on the tablet, shown at once,
// sent in order); a 409 there becomes the outbox's conflict choice.
import { ActionIcon, Badge, Box, Button, Group, Paper, SegmentedControl, SimpleGrid, Stack, Text, TextInput, Textarea, UnstyledButton, VisuallyHidden } from "@mantine/core";
import { IconBan, IconChevronDown, IconChevronUp, IconCircle, IconCircleCheckFilled, IconPlus, IconX } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { keys } from "../../api/keys";
import type { Take, TakeCamera, TakeSound } from "../../api/types";
import type { Shown } from "../../offline/overlay";
import { PendingBadge } from "../../offline/PendingBadge";
import { getOutbox } from "../../offline/runtime";
import { takeUpdate } from "../../offline/writes";
import type { TakeFields } from "./api";
import { dropFrameOf, durationText, nextCamera, timecodeProblem, typedTimecode } from "./takelog";

export const SOUNDS: { value: TakeSound; label: string }[] = [
  { value: "sync", label: "Sync" }, { value: "mos", label: "MOS" }, { value: "wild_track", label: "Wild track" },
];
type TextField = "notes" | "sound_roll" | "timecode_in" | "timecode_out";
/** What is being typed (`text`) over which value of the take (`base`), at which version. */
interface Draft<T> { text: T; base: T; version: number }
const clock = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

/** A take of the log: `expanded` shows every field, otherwise one line. `readOnly` for viewers. */
export function TakeCard({ take, expanded, onToggle, readOnly }: { take: Shown<Take>; expanded: boolean; onToggle: () => void; readOnly: boolean }) {
  const qc = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  // While a field is being typed in, its text is ours, with the value and version it was typed over; otherwise the live value shows.
  const [drafts, setDrafts] = useState<Partial<Record<TextField, Draft<string>>>>({});
  const [cameraDraft, setCameraDraft] = useState<Draft<TakeCamera[]> | null>(null);
  const latest = () => qc.getQueryData<Take[]>(keys.takes(take.scene))?.find((t) => t.id === take.id) ?? take;
  const cameras = cameraDraft?.text ?? take.cameras;
  const label = `take ${take.number}`;

  /**
   * Save `changes` through the outbox. A typed field names what it was typed over (`over`): when the take still has
   * that value the change goes on the take's latest version (another field changed meanwhile — by this device or
   * another — is no conflict); when someone changed the same field it goes on the version it was typed on, and the
   * server's 409 becomes the outbox's choice. The outbox itself puts a change on a newer version when the other
   * person changed only other fields, and on the answer of this tablet's earlier change of the take.
   */
  function save(changes: Partial<TakeFields>, { over, version, done }: { over?: Draft<unknown> & { field: keyof Take }; version?: number; done?: () => void } = {}) {
    const known = latest();
    const sameField = !over || JSON.stringify(known[over.field]) === JSON.stringify(over.base);
    const before = over ? { ...Object.fromEntries(Object.keys(changes).map((f) => [f, take[f as keyof Take]])), [over.field]: over.base } : undefined;
    setError(null);
    getOutbox().enqueue(takeUpdate(take, changes, version ?? (sameField ? known.version : over.version), before))
      .then(() => done?.(), (e: unknown) => setError(`This tablet could not keep the change (${e instanceof Error ? e.message : String(e)}).`));
  }

  const value = (field: TextField) => drafts[field]?.text ?? take[field];
  const type = (field: TextField, text: string) =>
    setDrafts((d) => ({ ...d, [field]: { text, version: d[field]?.version ?? take.version, base: d[field]?.base ?? take[field] } }));
  const forget = (field: TextField) => setDrafts((d) => { const next = { ...d }; delete next[field]; return next; });
  function commit(field: TextField) {
    const draft = drafts[field];
    if (!draft) return;
    const text = field.startsWith("timecode") ? typedTimecode(draft.text, dropFrameOf(take)) : draft.text.trim() === "" ? "" : draft.text;
    if (text === take[field]) { forget(field); return; }
    if (field.startsWith("timecode") && timecodeProblem(text, take.timecode_rate)) { type(field, text); return; }
    save({ [field]: text }, { over: { ...draft, field }, done: () => forget(field) });
  }
  const onKeys = (field: TextField) => (e: React.KeyboardEvent) => {
    if (e.key === "Enter" && !(e.target instanceof HTMLTextAreaElement && e.shiftKey)) { e.preventDefault(); commit(field); }
    if (e.key === "Escape") forget(field);
  };
  const problem = (field: "timecode_in" | "timecode_out") => {
    const text = drafts[field]?.text;
    return text === undefined ? null : timecodeProblem(typedTimecode(text, dropFrameOf(take)), take.timecode_rate);
  };

  function editCamera(index: number, part: "roll" | "lens", text: string) {
    setCameraDraft((d) => ({ version: d?.version ?? take.version, base: d?.base ?? take.cameras,
      text: cameras.map((c, i) => (i === index ? { ...c, [part]: text } : c)) }));
  }
  function commitCameras(next: TakeCamera[] = cameras) {
    const clean = next.map((c) => ({ camera: c.camera, roll: c.roll.trim().toUpperCase(), lens: c.lens.trim() }));
    if (JSON.stringify(clean) === JSON.stringify(take.cameras)) { setCameraDraft(null); return; }
    const draft = cameraDraft ?? { text: clean, version: take.version, base: take.cameras };
    save({ cameras: clean }, { over: { ...draft, field: "cameras" }, done: () => setCameraDraft(null) });
  }
  function setSound(sound: TakeSound) {
    const changes: Partial<TakeFields> = { sound };
    if (sound === "wild_track") changes.cameras = [];
    if (sound === "mos") changes.sound_roll = "";
    save(changes);
  }

  const status = take.circled ? "circled" : take.no_good ? "no good" : "";
  return (
    <Paper withBorder radius="md" p="sm" data-testid="take-card" data-take-id={take.id} data-take-number={take.number}
      data-circled={take.circled} data-no-good={take.no_good} data-sound={take.sound} data-version={take.version}
      data-pending={take._outbox?.state}>
      <Group gap="sm" wrap="nowrap">
        <Text fw={800} fz={24} w={56} h={56} ta="center" aria-label={`Take ${take.number}${status ? `, ${status}` : ""}`} style={{
          flexShrink: 0, lineHeight: "50px", borderRadius: 28,
          border: take.circled ? "3px solid var(--mantine-color-green-6)" : "3px solid transparent",
          textDecoration: take.no_good ? "line-through" : undefined, color: take.no_good ? "var(--mantine-color-red-4)" : undefined,
        }}>{take.number}</Text>
        <ActionIcon size={56} radius="xl" variant={take.circled ? "filled" : "default"} color="green" aria-label={`Circle take ${take.number}`}
          aria-pressed={take.circled} disabled={readOnly} data-testid="take-circle"
          onClick={() => save({ circled: !take.circled, ...(take.no_good && !take.circled ? { no_good: false } : {}) })}>
          {take.circled ? <IconCircleCheckFilled size={30} /> : <IconCircle size={30} />}
        </ActionIcon>
        <ActionIcon size={56} radius="xl" variant={take.no_good ? "filled" : "default"} color="red" aria-label={`NG take ${take.number}`}
          aria-pressed={take.no_good} disabled={readOnly} data-testid="take-ng"
          onClick={() => save({ no_good: !take.no_good, ...(take.circled && !take.no_good ? { circled: false } : {}) })}>
          <IconBan size={28} />
        </ActionIcon>
        <UnstyledButton onClick={onToggle} style={{ flex: 1, minWidth: 0, minHeight: 56 }} aria-expanded={expanded} data-testid="take-toggle">
          <VisuallyHidden>Take {take.number}: </VisuallyHidden>
          <Group gap="xs" wrap="nowrap" justify="space-between">
            <Box style={{ minWidth: 0 }}>
              <Group gap={6} wrap="nowrap">
                {take.sound !== "sync" && <Badge color={take.sound === "mos" ? "grape" : "cyan"} variant="light">{take.sound === "mos" ? "MOS" : "Wild track"}</Badge>}
                <Text size="sm" truncate>{[take.cameras.map((c) => c.roll).filter(Boolean).join(" "), take.sound_roll].filter(Boolean).join(" · ") || "No rolls yet"}</Text>
              </Group>
              <Text size="sm" c="dimmed" truncate>{take.notes || `Rolled ${clock(take.recorded_at)}`}</Text>
            </Box>
            <Group gap={6} wrap="nowrap">
              <PendingBadge mark={take._outbox} />
              <Text fw={700} data-testid="take-duration">{durationText(take.duration_s)}</Text>
              {expanded ? <IconChevronUp size={20} /> : <IconChevronDown size={20} />}
            </Group>
          </Group>
        </UnstyledButton>
      </Group>
      {error && <Text size="sm" c="red.4" mt={4} role="alert" data-testid="take-error">{error}</Text>}
      {expanded && (
        <Stack gap="sm" mt="sm">
          <SegmentedControl size="md" fullWidth data={SOUNDS} value={take.sound} disabled={readOnly} data-testid="take-sound"
            onChange={(v) => setSound(v as TakeSound)} aria-label={`Sound of take ${take.number}`} />
          {take.sound !== "wild_track" && (
            <Stack gap={6}>
              {cameras.map((camera, index) => (
                <Group key={camera.camera} gap="xs" wrap="nowrap" align="flex-end" data-testid={`take-camera-${camera.camera}`}>
                  <Badge size="xl" radius="sm" variant="light" w={48} h={50} style={{ flexShrink: 0 }}>{camera.camera}</Badge>
                  <TextInput size="lg" style={{ flex: 1 }} label={`${camera.camera} camera roll`} placeholder={`${camera.camera}001`} value={camera.roll}
                    readOnly={readOnly} autoCapitalize="characters" data-testid="camera-roll"
                    onChange={(e) => editCamera(index, "roll", e.currentTarget.value)} onBlur={() => commitCameras()}
                    onKeyDown={(e) => { if (e.key === "Enter") commitCameras(); if (e.key === "Escape") setCameraDraft(null); }} />
                  <TextInput size="lg" style={{ flex: 1 }} label={`${camera.camera} lens`} placeholder="35mm" value={camera.lens} readOnly={readOnly}
                    data-testid="camera-lens" onChange={(e) => editCamera(index, "lens", e.currentTarget.value)} onBlur={() => commitCameras()}
                    onKeyDown={(e) => { if (e.key === "Enter") commitCameras(); if (e.key === "Escape") setCameraDraft(null); }} />
                  {cameras.length > 1 && !readOnly && (
                    <ActionIcon size={50} variant="default" aria-label={`Take camera ${camera.camera} off ${label}`}
                      onClick={() => commitCameras(cameras.filter((_, i) => i !== index))}><IconX size={20} /></ActionIcon>
                  )}
                </Group>
              ))}
              {!readOnly && nextCamera(cameras) && (
                <Button variant="subtle" size="lg" leftSection={<IconPlus size={18} />} style={{ alignSelf: "flex-start" }} data-testid="add-camera"
                  onClick={() => commitCameras([...cameras, { camera: nextCamera(cameras) ?? "B", roll: "", lens: "" }])}>
                  Add {nextCamera(cameras)} camera
                </Button>
              )}
            </Stack>
          )}
          <SimpleGrid cols={{ base: 1, xs: 3 }} spacing="xs">
            <TextInput size="lg" label="Sound roll" placeholder="S001" value={value("sound_roll")} readOnly={readOnly} disabled={take.sound === "mos"}
              autoCapitalize="characters" data-testid="sound-roll" onChange={(e) => type("sound_roll", e.currentTarget.value.toUpperCase())}
              onBlur={() => commit("sound_roll")} onKeyDown={onKeys("sound_roll")} />
            {(["timecode_in", "timecode_out"] as const).map((field) => (
              <TextInput key={field} size="lg" label={field === "timecode_in" ? "TC in" : "TC out"} placeholder={dropFrameOf(take) ? "HH:MM:SS;FF" : "HH:MM:SS:FF"}
                value={value(field)} readOnly={readOnly} inputMode="numeric" data-testid={field.replace("_", "-")} error={problem(field)}
                onChange={(e) => type(field, e.currentTarget.value)} onBlur={() => commit(field)} onKeyDown={onKeys(field)} />
            ))}
          </SimpleGrid>
          <Text size="sm" c="dimmed" mt={-4}>
            Timecode at {take.timecode_rate} fps{take.duration_s != null ? ` · length ${durationText(take.duration_s)} (${take.duration_frames} frames)` : ""}
            {" · "}rolled {clock(take.recorded_at)}
          </Text>
          <Textarea size="lg" label="Notes" autosize minRows={2} value={value("notes")} readOnly={readOnly} data-testid="take-notes"
            placeholder="Performance, focus, sound, continuity…" onChange={(e) => type("notes", e.currentTarget.value)}
            onBlur={() => commit("notes")} onKeyDown={onKeys("notes")} />
        </Stack>
      )}
    </Paper>
  );
}
