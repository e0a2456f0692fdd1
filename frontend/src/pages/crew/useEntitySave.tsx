// Create / update / delete of one breakdown resource, with the cache kept in step, 409s and field errors handled.
import { notifications } from "@mantine/notifications";
import { useQueryClient, type QueryKey } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { api } from "../../api/client";
import type { Id } from "../../api/types";
import { useConflict } from "../../components/ConflictDialog";
import { changedFields, formErrors, removeById, upsertById, type FormErrors } from "./breakdown";

type Entity = { id: Id; version: number };

export interface EntitySave<T extends Entity> {
  /** Create (original null) or PATCH only what changed; calls `done` once saved (or nothing changed, or "take theirs"). */
  save: (original: T | null, values: Partial<T>, done: () => void) => Promise<void>;
  /** A one-field change from the table (no form): conflicts open the dialog, other errors a notification. */
  quick: (item: T, changes: Partial<T>) => Promise<void>;
  remove: (item: T) => Promise<boolean>;
  errors: FormErrors;
  clearErrors: () => void;
  saving: boolean;
  dialog: ReactNode;
}

const NO_ERRORS: FormErrors = { fields: {}, form: null };

/**
 * `resource` is the REST name (`props`, `cast-members`…), `listKey` the cached list the realtime
 * dispatch keeps, `known` the fields the form shows (their errors go next to them).
 */
export function useEntitySave<T extends Entity>(opts: { resource: string; listKey: QueryKey; production: Id; label: string; known: readonly string[] }): EntitySave<T> {
  const { resource, listKey, production, label, known } = opts;
  const qc = useQueryClient();
  const conflict = useConflict<T>(label);
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [saving, setSaving] = useState(false);
  const put = (item: T) => qc.setQueryData<T[]>(listKey, (old) => upsertById(old, item));

  const fail = (error: unknown) => setErrors(formErrors(error, known));

  async function patch(id: Id, changes: Partial<T>, version: number, done: () => void, onFail: (error: unknown) => void = fail): Promise<void> {
    setSaving(true);
    try {
      put(await api<T>(`/api/${resource}/${id}/`, { method: "PATCH", json: { ...changes, version } }));
      setErrors(NO_ERRORS);
      done();
    } catch (error) {
      const isConflict = conflict.handle(error, changes, {
        keepMine: (theirs) => { put(theirs); void patch(id, changes, theirs.version, done, onFail); },
        takeTheirs: (theirs) => { put(theirs); setErrors(NO_ERRORS); done(); },
      });
      if (!isConflict) onFail(error);
    } finally {
      setSaving(false);
    }
  }

  const notifyFail = (error: unknown) =>
    notifications.show({ color: "red", title: `Could not change this ${label}`, message: error instanceof Error ? error.message : String(error) });
  const quick = (item: T, changes: Partial<T>) => patch(item.id, changes, item.version, () => undefined, notifyFail);

  async function save(original: T | null, values: Partial<T>, done: () => void) {
    setErrors(NO_ERRORS);
    if (original) {
      const changes = changedFields(original, values);
      if (Object.keys(changes).length === 0) { done(); return; }
      await patch(original.id, changes, original.version, done);
      return;
    }
    setSaving(true);
    try {
      put(await api<T>(`/api/${resource}/`, { method: "POST", json: { ...values, production } }));
      done();
    } catch (error) {
      fail(error);
    } finally {
      setSaving(false);
    }
  }

  async function remove(item: T) {
    try {
      await api<void>(`/api/${resource}/${item.id}/`, { method: "DELETE" });
      qc.setQueryData<T[]>(listKey, (old) => removeById(old, item.id));
      return true;
    } catch (error) {
      notifications.show({ color: "red", title: `Could not delete this ${label}`, message: error instanceof Error ? error.message : String(error) });
      return false;
    }
  }

  const clearErrors = () => setErrors(NO_ERRORS);
  return { save, quick, remove, errors, clearErrors, saving, dialog: conflict.dialog };
}
