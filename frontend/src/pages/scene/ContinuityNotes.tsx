// Continuity notes of a scene: the list (with photos) and the add form (draft kept, photo from the tablet camera).
import { Alert, Anchor, Badge, Button, Card, Checkbox, FileButton, Group, Image, NativeSelect, Paper, Stack, Text, Textarea, Title } from "@mantine/core";
import { IconCamera, IconFlag, IconFlagOff } from "@tabler/icons-react";
import { useId, useRef, useState } from "react";
import { useMe, useNotes } from "../../api/hooks";
import { keys } from "../../api/keys";
import type { ContinuityCategory, ContinuityNote, Id } from "../../api/types";
import { useDraft } from "../../hooks/useDraft";
import { useProductionId } from "../../hooks/useProductionId";
import { bytes } from "../../format";
import type { Shown } from "../../offline/overlay";
import { LocalPhoto, PendingBadge } from "../../offline/PendingBadge";
import { getOutbox, usePendingPhotos, useShown } from "../../offline/runtime";
import { notePhoto, noteCreate, noteUpdate } from "../../offline/writes";
import { photoProblem } from "./photo";
import { when } from "./time";
import { growingTextarea } from "../../components/growingTextarea";

/** apps/continuity/models.py ContinuityCategory. */
export const CATEGORIES: { value: ContinuityCategory; label: string; color: string }[] = [
  { value: "wardrobe", label: "Wardrobe", color: "grape" },
  { value: "props", label: "Props", color: "orange" },
  { value: "hair_makeup", label: "Hair / makeup", color: "pink" },
  { value: "set_dressing", label: "Set dressing", color: "teal" },
  { value: "action_blocking", label: "Action / blocking", color: "blue" },
  { value: "dialogue", label: "Dialogue", color: "cyan" },
  { value: "camera", label: "Camera", color: "indigo" },
  { value: "other", label: "Other", color: "gray" },
];
const CATEGORY_OPTIONS = CATEGORIES.map(({ value, label }) => ({ value, label }));
const category = (c: string) => CATEGORIES.find((x) => x.value === c) ?? { value: c, label: c, color: "gray" };
const newestFirst = (n: ContinuityNote) => -Date.parse(n.created_at);

export function ContinuityNotes({ sceneId }: { sceneId: Id }) {
  const notes = useNotes(sceneId);
  // The server's notes with this tablet's waiting ones on top (offline/overlay.ts); every write goes through the outbox.
  const list = useShown("continuity_note", keys.notes(sceneId), notes.data, newestFirst) ?? [];
  const flagged = list.filter((n) => n.flagged).length;
  const setFlagged = (note: ContinuityNote, on: boolean) => void getOutbox().enqueue(noteUpdate(note, { flagged: on }));
  return (
    <Card withBorder data-testid="continuity-notes">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h3">Continuity</Title>
        {flagged > 0 && <Badge color="red" leftSection={<IconFlag size={12} />}>{flagged} flagged</Badge>}
      </Group>
      <NoteForm sceneId={sceneId} />
      {notes.error && !notes.data && <Alert color="red" mt="sm">{notes.error.message}</Alert>}
      <Stack gap="sm" mt="md">
        {notes.isPending && list.length === 0 && <Text size="sm" c="dimmed">Loading…</Text>}
        {notes.data && list.length === 0 && <Text size="sm" c="dimmed">No continuity notes for this scene yet.</Text>}
        {list.map((note) => <NoteView key={note.id} note={note} onFlag={(f) => setFlagged(note, f)} />)}
      </Stack>
    </Card>
  );
}

function NoteView({ note, onFlag }: { note: Shown<ContinuityNote>; onFlag: (flagged: boolean) => void }) {
  const c = category(note.category);
  const waitingPhotos = usePendingPhotos(note.id);
  return (
    <Paper withBorder p="sm" radius="md" data-testid="continuity-note" data-note-id={note.id} data-flagged={note.flagged}
      data-pending={note._outbox?.state} style={note.flagged ? { borderColor: "var(--mantine-color-red-6)" } : undefined}>
      <Group justify="space-between" wrap="nowrap" align="flex-start">
        <Group gap="xs">
          <Badge color={c.color} variant="light" data-testid="note-category-badge">{c.label}</Badge>
          <PendingBadge mark={note._outbox} />
          {note.flagged && <Badge color="red" variant="filled" leftSection={<IconFlag size={12} />} data-testid="note-flagged-badge">Flagged</Badge>}
        </Group>
        <Button title={note.flagged ? "Clear the flag" : "Flag: needs attention before the next setup"} variant="subtle" color={note.flagged ? "gray" : "red"} size="compact-md" h={44} aria-pressed={note.flagged}
          leftSection={note.flagged ? <IconFlagOff size={16} /> : <IconFlag size={16} />} onClick={() => onFlag(!note.flagged)} data-testid="note-flag-toggle">
          {note.flagged ? "Unflag" : "Flag"}
        </Button>
      </Group>
      <Text size="sm" mt={6} style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }} data-testid="note-text">{note.body}</Text>
      {(note.photos.length > 0 || waitingPhotos.length > 0) && (
        <Group gap="xs" mt="xs">
          {note.photos.map((p) => (
            <Anchor key={p.id} href={p.url} target="_blank" rel="noreferrer" aria-label={`Photo ${p.original_name}`}>
              <Image src={p.url} alt={p.original_name} w={96} h={72} fit="cover" radius="sm" loading="lazy" data-testid="note-photo-thumb" />
            </Anchor>
          ))}
          {waitingPhotos.map((item) => item.photo && (
            <Stack key={item.id} gap={2} align="center" data-testid="note-photo-waiting" data-state={item.state}>
              <LocalPhoto blob={item.photo.blob} name={item.photo.name} w={96} h={72} />
              <PendingBadge mark={{ state: item.state, items: [item.id], creating: true }} />
            </Stack>
          ))}
        </Group>
      )}
      <Text size="xs" c="dimmed" mt={6} data-testid="note-author">
        {note.author_name ?? "Former crew member"} · <time dateTime={note.created_at} title={new Date(note.created_at).toLocaleString()}>{when(note.created_at)}</time>
      </Text>
    </Paper>
  );
}

function NoteForm({ sceneId }: { sceneId: Id }) {
  const production = useProductionId();
  const me = useMe().data;
  const [body, setBody, clearBody] = useDraft(`note.${sceneId}`);
  const [cat, setCat] = useState<ContinuityCategory>("wardrobe");
  const [flagged, setFlagged] = useState(false);
  const [photo, setPhoto] = useState<File | null>(null);
  const [photoError, setPhotoError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const resetPhoto = useRef<() => void>(null);
  const photoButton = useRef<HTMLButtonElement>(null);
  const photoIds = useId();

  function choose(file: File | null) {
    setPhoto(file);
    setPhotoError(file ? photoProblem(file) : null);
  }

  /** Keep the note (and its photo) in the outbox: sent at once when online, later when not; shown at once either way. */
  async function submit() {
    if (busy || !me) return;
    const problem = photo ? photoProblem(photo) : null;
    if (problem) { setPhotoError(problem); return; } // refused before anything is kept
    if (!body.trim()) { setFields({ body: "Write what has to match." }); return; }
    setBusy(true);
    setFields({});
    setFormError(null);
    try {
      const box = getOutbox();
      const note = await box.enqueue(noteCreate({ production, scene: sceneId, category: cat, body, flagged }, me));
      if (photo) await box.enqueue(notePhoto({ id: note.tempId as Id, production, scene: sceneId, body }, photo, photo.name));
      clearBody();
      setFlagged(false);
      choose(null);
      resetPhoto.current?.();
    } catch (e) {
      setFormError(`This tablet could not keep the note (${e instanceof Error ? e.message : String(e)}). It is still here; try again.`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={(e) => { e.preventDefault(); void submit(); }} data-testid="note-form">
      <Stack gap="xs">
        {formError && <Alert color="red" data-testid="note-error">{formError}</Alert>}
        <Group grow align="flex-start" wrap="wrap" gap="xs">
          {/* A native select: the tablet's own picker, and nothing to set up before it is opened (docs/performance.md). */}
          <NativeSelect label="Category" data={CATEGORY_OPTIONS} value={cat}
            onChange={(e) => setCat(e.currentTarget.value as ContinuityCategory)} error={fields.category} data-testid="note-category" miw={180} />
          <Checkbox label="Flag: needs attention before the next setup" checked={flagged} onChange={(e) => setFlagged(e.currentTarget.checked)}
            error={fields.flagged} data-testid="note-flagged" mt={{ base: 0, sm: 32 }} miw={220} size="md" />
        </Group>
        <Textarea label="Note" placeholder="Jacket open, left hand holds the cup, hair behind right ear…" {...growingTextarea(3, 12)}
          value={body} onChange={(e) => setBody(e.currentTarget.value)} error={fields.body} data-testid="note-body"
          onKeyDown={(e) => { if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) { e.preventDefault(); void submit(); } }} />
        <div role="group" aria-labelledby={`${photoIds}-label`}>
          <Text size="sm" fw={500} mb={4} id={`${photoIds}-label`}>Photo</Text>
          <Group gap="sm" wrap="wrap">
            {/* A real button takes focus (and shows the ring) and opens the camera or the files; the file input stays hidden. */}
            <FileButton onChange={choose} accept="image/*" capture="environment" resetRef={resetPhoto} inputProps={{ "data-testid": "note-photo" } as object}>
              {(props) => (
                <Button {...props} ref={photoButton} variant="default" leftSection={<IconCamera size={18} />} data-testid="note-photo-button"
                  aria-describedby={photo ? `${photoIds}-name` : undefined}>
                  {photo ? "Other photo" : "Take or choose a photo"}
                </Button>
              )}
            </FileButton>
            {photo && <Text size="sm" id={`${photoIds}-name`} data-testid="note-photo-name">{photo.name} · {bytes(photo.size)}</Text>}
            {photo && <Button variant="subtle" color="gray" onClick={() => { choose(null); resetPhoto.current?.(); photoButton.current?.focus(); }}>Remove</Button>}
          </Group>
          {photoError && <Text size="sm" c="red" mt={4} data-testid="note-photo-error" role="alert">{photoError}</Text>}
        </div>
        <Group justify="flex-end">
          <Button type="submit" loading={busy} disabled={!me} data-testid="note-submit">Add note</Button>
        </Group>
      </Stack>
    </form>
  );
}
