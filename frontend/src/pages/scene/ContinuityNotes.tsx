// Continuity notes of a scene: the list (with photos) and the add form (draft kept, photo from the tablet camera).
import { Alert, Anchor, Badge, Button, Card, Checkbox, Group, Image, Paper, Progress, Select, Stack, Text, Textarea, Title, Tooltip } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconCamera, IconFlag, IconFlagOff } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { ApiError, upload } from "../../api/client";
import { patch, post, useNotes } from "../../api/hooks";
import { keys } from "../../api/keys";
import type { ContinuityCategory, ContinuityNote, ContinuityPhoto, Id } from "../../api/types";
import { useConflict } from "../../components/ConflictDialog";
import { useDraft } from "../../hooks/useDraft";
import { bytes } from "../../format";
import { putInList } from "./cache";
import { photoProblem } from "./photo";
import { when } from "./time";

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
const category = (c: string) => CATEGORIES.find((x) => x.value === c) ?? { value: c, label: c, color: "gray" };
const newestFirst = (n: ContinuityNote) => -Date.parse(n.created_at);

export function ContinuityNotes({ sceneId }: { sceneId: Id }) {
  const notes = useNotes(sceneId);
  const qc = useQueryClient();
  const conflict = useConflict<ContinuityNote>("continuity note");
  const store = (n: ContinuityNote) => putInList(qc, keys.notes(sceneId), n, newestFirst);

  async function setFlagged(note: ContinuityNote, flagged: boolean, version = note.version) {
    try {
      store(await patch<ContinuityNote>(`/api/continuity-notes/${note.id}/`, { flagged, version }));
    } catch (error) {
      if (conflict.handle(error, { flagged }, { keepMine: (t) => void setFlagged(t, flagged, t.version), takeTheirs: store })) return;
      notifications.show({ color: "red", title: "Not saved", message: error instanceof ApiError ? error.message : "The server could not be reached." });
    }
  }

  const list = notes.data ?? [];
  const flagged = list.filter((n) => n.flagged).length;
  return (
    <Card withBorder data-testid="continuity-notes">
      <Group justify="space-between" mb="sm">
        <Title order={3}>Continuity</Title>
        {flagged > 0 && <Badge color="red" leftSection={<IconFlag size={12} />}>{flagged} flagged</Badge>}
      </Group>
      <NoteForm sceneId={sceneId} onSaved={store} />
      {notes.error && <Alert color="red" mt="sm">{notes.error.message}</Alert>}
      <Stack gap="sm" mt="md">
        {notes.isPending && <Text size="sm" c="dimmed">Loading…</Text>}
        {notes.data?.length === 0 && <Text size="sm" c="dimmed">No continuity notes for this scene yet.</Text>}
        {list.map((note) => <NoteView key={note.id} note={note} onFlag={(f) => void setFlagged(note, f)} />)}
      </Stack>
      {conflict.dialog}
    </Card>
  );
}

function NoteView({ note, onFlag }: { note: ContinuityNote; onFlag: (flagged: boolean) => void }) {
  const c = category(note.category);
  return (
    <Paper withBorder p="sm" radius="md" data-testid="continuity-note" data-note-id={note.id} data-flagged={note.flagged}
      style={note.flagged ? { borderColor: "var(--mantine-color-red-6)" } : undefined}>
      <Group justify="space-between" wrap="nowrap" align="flex-start">
        <Group gap="xs">
          <Badge color={c.color} variant="light" data-testid="note-category-badge">{c.label}</Badge>
          {note.flagged && <Badge color="red" variant="filled" leftSection={<IconFlag size={12} />} data-testid="note-flagged-badge">Flagged</Badge>}
        </Group>
        <Tooltip label={note.flagged ? "Clear the flag" : "Flag: needs attention before the next setup"}>
          <Button variant="subtle" color={note.flagged ? "gray" : "red"} size="compact-md" h={44} aria-pressed={note.flagged}
            leftSection={note.flagged ? <IconFlagOff size={16} /> : <IconFlag size={16} />} onClick={() => onFlag(!note.flagged)} data-testid="note-flag-toggle">
            {note.flagged ? "Unflag" : "Flag"}
          </Button>
        </Tooltip>
      </Group>
      <Text size="sm" mt={6} style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }} data-testid="note-text">{note.body}</Text>
      {note.photos.length > 0 && (
        <Group gap="xs" mt="xs">
          {note.photos.map((p) => (
            <Anchor key={p.id} href={p.url} target="_blank" rel="noreferrer" aria-label={`Photo ${p.original_name}`}>
              <Image src={p.url} alt={p.original_name} w={96} h={72} fit="cover" radius="sm" loading="lazy" data-testid="note-photo-thumb" />
            </Anchor>
          ))}
        </Group>
      )}
      <Text size="xs" c="dimmed" mt={6} data-testid="note-author">
        {note.author_name ?? "Former crew member"} · <Tooltip label={new Date(note.created_at).toLocaleString()}><span>{when(note.created_at)}</span></Tooltip>
      </Text>
    </Paper>
  );
}

function NoteForm({ sceneId, onSaved }: { sceneId: Id; onSaved: (note: ContinuityNote) => void }) {
  const [body, setBody, clearBody] = useDraft(`note.${sceneId}`);
  const [cat, setCat] = useState<ContinuityCategory>("wardrobe");
  const [flagged, setFlagged] = useState(false);
  const [photo, setPhoto] = useState<File | null>(null);
  const [photoError, setPhotoError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  /** A note saved whose photo did not go: the next submit only retries the photo. */
  const [savedNote, setSavedNote] = useState<ContinuityNote | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  // The text as it is now (the user may start the next note while a photo uploads).
  const latestBody = useRef(body);
  useEffect(() => { latestBody.current = body; }, [body]);

  function choose(file: File | null) {
    setPhoto(file);
    setPhotoError(file ? photoProblem(file) : null);
  }

  function reset() {
    setPhoto(null);
    setPhotoError(null);
    setSavedNote(null);
    setProgress(null);
    if (fileInput.current) fileInput.current.value = "";
  }

  async function submit() {
    if (busy) return;
    const problem = photo ? photoProblem(photo) : null;
    if (problem) { setPhotoError(problem); return; } // refused before anything is sent
    if (!savedNote && !body.trim()) { setFields({ body: "Write what has to match." }); return; }
    setBusy(true);
    setFields({});
    setFormError(null);
    let note = savedNote;
    try {
      if (!note) {
        const sent = body;
        note = await post<ContinuityNote>("/api/continuity-notes/", { scene: sceneId, category: cat, body: sent, flagged });
        onSaved(note);
        // Saved: the draft is done with (unless the next note has been started meanwhile).
        if (latestBody.current === sent) clearBody();
        setFlagged(false);
      }
      if (photo) {
        setProgress(0);
        const form = new FormData();
        form.append("file", photo, photo.name);
        const added = await upload<ContinuityPhoto>(`/api/continuity-notes/${note.id}/photos/`, form, setProgress);
        onSaved({ ...note, photos: [...note.photos.filter((p) => p.id !== added.id), added] });
      }
      reset();
    } catch (e) {
      setProgress(null);
      // The note went in; only the photo failed: keep the photo for a retry.
      if (note && !savedNote) setSavedNote(note);
      if (e instanceof ApiError) {
        const f = e.fields;
        if (note) setPhotoError(f.file ?? e.message);
        else { setFields(f); if (!Object.keys(f).length || f.non_field_errors || f.scene) setFormError(f.non_field_errors ?? f.scene ?? e.message); }
      } else {
        setFormError("The server could not be reached. Your note is kept here; try again.");
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={(e) => { e.preventDefault(); void submit(); }} data-testid="note-form">
      <Stack gap="xs">
        {formError && <Alert color="red" data-testid="note-error">{formError}</Alert>}
        {savedNote && (
          <Alert color="yellow" data-testid="note-photo-pending">
            The note was saved, but its photo was not. Try the photo again, or <Anchor component="button" type="button" onClick={reset}>leave it without a photo</Anchor>.
          </Alert>
        )}
        <Group grow align="flex-start" wrap="wrap" gap="xs">
          <Select label="Category" data={CATEGORIES.map(({ value, label }) => ({ value, label }))} value={cat} allowDeselect={false}
            onChange={(v) => v && setCat(v as ContinuityCategory)} error={fields.category} disabled={Boolean(savedNote)} data-testid="note-category" miw={180} />
          <Checkbox label="Flag: needs attention before the next setup" checked={flagged} onChange={(e) => setFlagged(e.currentTarget.checked)}
            error={fields.flagged} disabled={Boolean(savedNote)} data-testid="note-flagged" mt={{ base: 0, sm: 32 }} miw={220} size="md" />
        </Group>
        <Textarea label="Note" placeholder="Jacket open, left hand holds the cup, hair behind right ear…" autosize minRows={3} maxRows={12}
          value={body} onChange={(e) => setBody(e.currentTarget.value)} error={fields.body} disabled={Boolean(savedNote)} data-testid="note-body"
          onKeyDown={(e) => { if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) { e.preventDefault(); void submit(); } }} />
        <div>
          <Text size="sm" fw={500} mb={4}>Photo</Text>
          <Group gap="sm" wrap="wrap">
            <Button component="label" variant="default" leftSection={<IconCamera size={18} />} style={{ cursor: "pointer" }}>
              {photo ? "Other photo" : "Take or choose a photo"}
              <input ref={fileInput} type="file" accept="image/*" capture="environment" data-testid="note-photo" aria-label="Photo"
                style={{ position: "absolute", width: 1, height: 1, opacity: 0, overflow: "hidden" }}
                onChange={(e) => choose(e.currentTarget.files?.[0] ?? null)} />
            </Button>
            {photo && <Text size="sm" data-testid="note-photo-name">{photo.name} · {bytes(photo.size)}</Text>}
            {photo && <Button variant="subtle" color="gray" onClick={() => { choose(null); if (fileInput.current) fileInput.current.value = ""; }}>Remove</Button>}
          </Group>
          {photoError && <Text size="sm" c="red" mt={4} data-testid="note-photo-error" role="alert">{photoError}</Text>}
          {progress !== null && <Progress value={progress * 100} mt={6} animated aria-label="Photo upload" />}
        </div>
        <Group justify="flex-end">
          <Button type="submit" loading={busy} data-testid="note-submit">
            {savedNote ? "Send the photo again" : "Add note"}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
