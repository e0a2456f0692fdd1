import { Button, Modal, PasswordInput, Select, Stack, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconCrown } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api, ApiError } from "../../api/client";
import { keys } from "../../api/keys";
import type { Id, Membership } from "../../api/types";
import { upsertById } from "./breakdown";

/** The answer of `POST /api/productions/{id}/transfer-ownership/`. */
interface Transferred { owner: Membership; previous_owner: Membership }

/** An owner's "Transfer ownership": pick a member, confirm with your password; you become a producer (issue 18). */
export function TransferOwnership({ production, rows, me }: { production: Id; rows: Membership[]; me: Id | undefined }) {
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [user, setUser] = useState<string | null>(null);
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const candidates = rows.filter((m) => m.user.id !== me).map((m) => ({ value: String(m.user.id), label: m.user.display_name || m.user.username }));

  function close() {
    setOpen(false);
    setUser(null);
    setPassword("");
    setErrors({});
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!user) { setErrors({ user: "Choose who becomes the owner." }); return; }
    setBusy(true);
    try {
      const done = await api<Transferred>(`/api/productions/${production}/transfer-ownership/`, { method: "POST", json: { user: Number(user), password } });
      qc.setQueryData<Membership[]>(keys.members(production), (old) => upsertById(upsertById(old, done.owner), done.previous_owner));
      void qc.invalidateQueries({ queryKey: keys.production(production) });
      notifications.show({ color: "green", message: `${done.owner.user.display_name} now owns the production; you are a producer.` });
      close();
    } catch (error) {
      if (error instanceof ApiError && Object.keys(error.fields).length) setErrors(error.fields);
      else setErrors({ form: error instanceof Error ? error.message : String(error) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <Button variant="default" leftSection={<IconCrown size={16} />} onClick={() => setOpen(true)} disabled={!candidates.length}
        data-testid="transfer-ownership">
        Transfer ownership
      </Button>
      <Modal opened={open} onClose={close} title="Transfer ownership" data-testid="transfer-ownership-dialog">
        <form onSubmit={submit} noValidate>
          <Stack>
            <Text size="sm">The member you choose becomes an owner of the production. You become a producer and can no longer delete it or give the owner role.</Text>
            <Select label="New owner" data={candidates} value={user} onChange={setUser} searchable required error={errors.user}
              comboboxProps={{ withinPortal: true }} data-testid="transfer-ownership-user" />
            <PasswordInput label="Your password" description="To confirm it is you." value={password} required autoComplete="current-password"
              onChange={(e) => setPassword(e.currentTarget.value)} error={errors.password} data-testid="transfer-ownership-password" />
            {errors.form && <Text size="sm" c="red" role="alert">{errors.form}</Text>}
            <Stack gap="xs" align="flex-end">
              <Button type="submit" color="red" loading={busy} data-testid="transfer-ownership-confirm">Transfer ownership</Button>
            </Stack>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
