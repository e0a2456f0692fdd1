// Add / edit / delete a shoot day, and add a banner to one.
import { Alert, Button, Group, Modal, Select, Stack, Text, TextInput, Textarea } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "../../api/client";
import { useLocations } from "../../api/hooks";
import { keys } from "../../api/keys";
import type { ShootDay } from "../../api/schedule";
import type { Id } from "../../api/types";
import { useConflict } from "../../components/ConflictDialog";
import { formErrors, type FormErrors } from "../crew/breakdown";

const NO_ERRORS: FormErrors = { fields: {}, form: null };
const DAY_FIELDS = ["date", "unit", "location", "notes"] as const;
type DayValues = Pick<ShootDay, "date" | "unit" | "location" | "notes">;

/** The form of a shoot day: `day` null adds one. Days renumber on the server; both lists are fetched again after. */
export function ShootDayDialog({ production, day, opened, onClose }: { production: Id; day: ShootDay | null; opened: boolean; onClose: () => void }) {
  const qc = useQueryClient();
  const locations = useLocations(production);
  const conflict = useConflict<ShootDay>("shoot day");
  const [values, setValues] = useState<DayValues>(() => ({ date: day?.date ?? "", unit: day?.unit ?? "Main Unit", location: day?.location ?? null, notes: day?.notes ?? "" }));
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [saving, setSaving] = useState(false);
  const set = <K extends keyof DayValues>(name: K, value: DayValues[K]) => setValues((v) => ({ ...v, [name]: value }));

  const refresh = () => {
    void qc.invalidateQueries({ queryKey: keys.shootDays(production) });
    void qc.invalidateQueries({ queryKey: keys.strips(production) });
    void qc.invalidateQueries({ queryKey: keys.callSheets(production) });
  };

  async function submit(version?: number) {
    if (!values.date) { setErrors({ fields: { date: "Pick the day's date." }, form: null }); return; }
    setSaving(true);
    try {
      if (day) await api<ShootDay>(`/api/shoot-days/${day.id}/`, { method: "PATCH", json: { ...values, version: version ?? day.version } });
      else await api<ShootDay>("/api/shoot-days/", { method: "POST", json: { ...values, production } });
      refresh();
      setErrors(NO_ERRORS);
      onClose();
    } catch (error) {
      const handled = conflict.handle(error, values, {
        keepMine: (theirs) => { void submit(theirs.version); },
        takeTheirs: () => { refresh(); onClose(); },
      });
      if (!handled) setErrors(formErrors(error, DAY_FIELDS));
    } finally {
      setSaving(false);
    }
  }

  return (
    <>
      <Modal opened={opened} onClose={onClose} title={day ? `Day ${day.number}` : "Add a shoot day"} data-testid="shoot-day-dialog">
        <form onSubmit={(e) => { e.preventDefault(); void submit(); }}>
          <Stack gap="sm">
            {errors.form && <Alert color="red" data-testid="shoot-day-error">{errors.form}</Alert>}
            <TextInput type="date" label="Date" required value={values.date} onChange={(e) => set("date", e.currentTarget.value)} error={errors.fields.date} data-testid="shoot-day-date" />
            <TextInput label="Unit" value={values.unit} onChange={(e) => set("unit", e.currentTarget.value)} error={errors.fields.unit} data-testid="shoot-day-unit" />
            <Select label="Location" placeholder="None" clearable searchable data={(locations.data ?? []).map((l) => ({ value: String(l.id), label: l.name }))}
              value={values.location == null ? null : String(values.location)} onChange={(v) => set("location", v ? Number(v) : null)} error={errors.fields.location} comboboxProps={{ withinPortal: true }} />
            <Textarea label="Notes" autosize minRows={2} value={values.notes} onChange={(e) => set("notes", e.currentTarget.value)} error={errors.fields.notes} />
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>Cancel</Button>
              <Button type="submit" loading={saving} data-testid="shoot-day-save">{day ? "Save" : "Add day"}</Button>
            </Group>
          </Stack>
        </form>
      </Modal>
      {conflict.dialog}
    </>
  );
}

/** Deleting a day takes its strips with it: their scenes go back to the pool. */
export function DeleteDayDialog({ production, day, onClose }: { production: Id; day: ShootDay | null; onClose: () => void }) {
  const qc = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function remove() {
    if (!day) return;
    setBusy(true);
    try {
      await api<void>(`/api/shoot-days/${day.id}/`, { method: "DELETE" });
      void qc.invalidateQueries({ queryKey: keys.shootDays(production) });
      void qc.invalidateQueries({ queryKey: keys.strips(production) });
      void qc.invalidateQueries({ queryKey: keys.callSheets(production) });
      onClose();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }
  return (
    <Modal opened={day !== null} onClose={onClose} title={day ? `Delete day ${day.number}?` : ""}>
      <Stack gap="sm">
        <Text size="sm">Its scenes go back to the unscheduled pool, its banners and call sheet are deleted, and the later days are renumbered.</Text>
        {error && <Alert color="red">{error}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>Keep it</Button>
          <Button color="red" loading={busy} onClick={() => void remove()} data-testid="shoot-day-delete-confirm">Delete day</Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** A full-width banner strip ("COMPANY MOVE") at the end of a day; drag it into place after. */
export function BannerDialog({ day, onAdd, onClose }: { day: ShootDay | null; onAdd: (day: Id, text: string) => Promise<void>; onClose: () => void }) {
  const [text, setText] = useState("COMPANY MOVE");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit() {
    if (!day) return;
    if (!text.trim()) { setError("Write the banner's text."); return; }
    setBusy(true);
    try {
      await onAdd(day.id, text.trim());
      setError(null);
      onClose();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }
  return (
    <Modal opened={day !== null} onClose={onClose} title={day ? `Add a banner to day ${day.number}` : ""}>
      <form onSubmit={(e) => { e.preventDefault(); void submit(); }}>
        <Stack gap="sm">
          <TextInput label="Text" value={text} onChange={(e) => setText(e.currentTarget.value)} error={error} data-autofocus data-testid="banner-text" />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>Cancel</Button>
            <Button type="submit" loading={busy} data-testid="banner-save">Add banner</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
