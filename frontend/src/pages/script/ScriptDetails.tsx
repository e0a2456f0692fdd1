// A script's details: logline, genre and tone (each lockable for AI generation), and the numbering lock. Saved with its version.
import { Alert, Button, Group, Stack, Switch, Text, TextInput, Textarea } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconLock, IconLockOpen } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { ApiError } from "../../api/client";
import { patch } from "../../api/hooks";
import { keys } from "../../api/keys";
import type { Script } from "../../api/types";
import { useConflict } from "../../components/ConflictDialog";
import { putInList } from "../scene/cache";

type Fields = Pick<Script, "logline" | "genre" | "tone" | "genre_locked" | "tone_locked" | "numbering_locked">;
const FIELDS = ["logline", "genre", "tone", "genre_locked", "tone_locked", "numbering_locked"] as const;
const pick = (s: Script): Fields => ({ logline: s.logline, genre: s.genre, tone: s.tone, genre_locked: s.genre_locked, tone_locked: s.tone_locked, numbering_locked: s.numbering_locked });

/** Only the fields that differ from `base`. */
function changedScriptFields(base: Fields, values: Fields): Partial<Fields> {
  return Object.fromEntries(FIELDS.filter((k) => base[k] !== values[k]).map((k) => [k, values[k]])) as Partial<Fields>;
}

export function ScriptDetails({ script, canWrite }: { script: Script; canWrite: boolean }) {
  const qc = useQueryClient();
  const conflict = useConflict<Script>("script");
  // The form and the version it is based on; a newer version arriving meanwhile makes the save a conflict, not an overwrite.
  const [edit, setEdit] = useState<{ values: Fields; base: Script } | null>(null);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const values = edit?.values ?? pick(script);
  const set = <K extends keyof Fields>(k: K, v: Fields[K]) => setEdit((old) => {
    const current = old ?? { values: pick(script), base: script };
    return { ...current, values: { ...current.values, [k]: v } };
  });
  const changes = edit ? changedScriptFields(pick(edit.base), edit.values) : {};
  const dirty = Object.keys(changes).length > 0;
  const store = (s: Script) => putInList(qc, keys.scripts(s.production), s);
  // Discard goes away and Save is disabled once the form is clean: focus, left on <body>, comes back to the form itself
  // (not a text field: on a tablet that would open the keyboard), so Tab goes on from here.
  const form = useRef<HTMLFormElement>(null);
  const refocus = () => requestAnimationFrame(() => {
    const at = document.activeElement;
    if (!at || at === document.body || !at.isConnected || (at as HTMLButtonElement).disabled) form.current?.focus({ preventScroll: true });
  });

  async function save(version = edit?.base.version) {
    if (!edit || !dirty) return;
    setBusy(true);
    setErrors({});
    try {
      store(await patch<Script>(`/api/scripts/${script.id}/`, { ...changes, version }));
      setEdit(null);
      refocus();
      notifications.show({ color: "green", message: `Saved the details of ${script.title}.` });
    } catch (e) {
      if (conflict.handle(e, changes, {
        keepMine: (theirs) => { setEdit((old) => (old ? { ...old, base: theirs } : old)); void save(theirs.version); },
        takeTheirs: (theirs) => { store(theirs); setEdit(null); },
      })) return;
      if (e instanceof ApiError && Object.keys(e.fields).length) setErrors(e.fields);
      else setErrors({ form: e instanceof ApiError ? e.message : "The server could not be reached. Try again." });
    } finally {
      setBusy(false);
    }
  }

  const lockLabel = (locked: boolean, what: string) => (
    <Group gap={4} wrap="nowrap">{locked ? <IconLock size={14} /> : <IconLockOpen size={14} />}<span>{locked ? `${what} locked` : `Lock ${what.toLowerCase()}`}</span></Group>
  );
  const changedMeanwhile = edit && edit.base.version !== script.version;
  return (
    <form ref={form} tabIndex={-1} aria-label={`Details of ${script.title}`} onSubmit={(e) => { e.preventDefault(); void save(); }}
      data-testid="script-details" style={{ outline: "none" }}>
      <Stack gap="sm">
        {changedMeanwhile && <Alert color="yellow" data-testid="script-details-changed">Someone else changed these details while you were editing. Saving will ask which to keep.</Alert>}
        {errors.form && <Alert color="red">{errors.form}</Alert>}
        <Textarea label="Logline" description="The story in a sentence or two; AI writing starts from it." autosize minRows={2} maxRows={6}
          value={values.logline} onChange={(e) => set("logline", e.currentTarget.value)} error={errors.logline} disabled={!canWrite} data-testid="script-logline" />
        <Group grow align="flex-start" wrap="wrap">
          <Stack gap={4} miw={220}>
            <TextInput label="Genre" placeholder="Thriller" value={values.genre} onChange={(e) => set("genre", e.currentTarget.value)}
              error={errors.genre} disabled={!canWrite || values.genre_locked} data-testid="script-genre"
              description={values.genre_locked ? "Locked: AI writing keeps to it. Unlock to change it." : undefined} />
            <Switch label={lockLabel(values.genre_locked, "Genre")} checked={values.genre_locked} disabled={!canWrite}
              onChange={(e) => set("genre_locked", e.currentTarget.checked)} data-testid="script-genre-lock" />
          </Stack>
          <Stack gap={4} miw={220}>
            <TextInput label="Tone" placeholder="Hushed, menacing" value={values.tone} onChange={(e) => set("tone", e.currentTarget.value)}
              error={errors.tone} disabled={!canWrite || values.tone_locked} data-testid="script-tone"
              description={values.tone_locked ? "Locked: AI writing keeps to it. Unlock to change it." : undefined} />
            <Switch label={lockLabel(values.tone_locked, "Tone")} checked={values.tone_locked} disabled={!canWrite}
              onChange={(e) => set("tone_locked", e.currentTarget.checked)} data-testid="script-tone-lock" />
          </Stack>
        </Group>
        <Switch label="Scene numbers locked for production" description="Numbers never change again; new scenes get letters (3A)."
          checked={values.numbering_locked} disabled={!canWrite} onChange={(e) => set("numbering_locked", e.currentTarget.checked)}
          data-testid="script-numbering-lock" error={errors.numbering_locked} />
        {(errors.genre_locked ?? errors.tone_locked) && <Text size="sm" c="red">{errors.genre_locked ?? errors.tone_locked}</Text>}
        <Group justify="flex-end" gap="xs">
          {edit && <Button variant="default" onClick={() => { setEdit(null); setErrors({}); refocus(); }} data-testid="script-details-discard">Discard</Button>}
          <Button type="submit" loading={busy} disabled={!canWrite || !dirty} data-testid="script-details-save">Save details</Button>
        </Group>
      </Stack>
      {conflict.dialog}
    </form>
  );
}
