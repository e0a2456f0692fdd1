import { ActionIcon, Button, Group, Modal, Stack, Text, Textarea, TextInput, Tooltip } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconAddressBook } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api, ApiError } from "../../api/client";
import { keys } from "../../api/keys";
import type { Id, Membership } from "../../api/types";
import { upsertById } from "./breakdown";

type Contacts = Pick<Membership, "phone" | "address" | "emergency_contact">;

/** A crew member's contact details for the production (phone, address, emergency contact), edited by the person
 *  themselves or the production office: render it only where `seesContacts` says so (the server's rule, issue 18). */
export function MemberContacts({ production, member, mine }: { production: Id; member: Membership; mine: boolean }) {
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [v, setV] = useState<Contacts>({ phone: "", address: "", emergency_contact: "" });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const name = member.user.display_name || member.user.username;

  function start() {
    setV({ phone: member.phone, address: member.address, emergency_contact: member.emergency_contact });
    setErrors({});
    setOpen(true);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    try {
      const saved = await api<Membership>(`/api/productions/${production}/members/${member.id}/`, { method: "PATCH", json: { ...v, version: member.version } });
      qc.setQueryData<Membership[]>(keys.members(production), (old) => upsertById(old, saved));
      notifications.show({ color: "green", message: mine ? "Your contact details are saved." : `${name}'s contact details are saved.` });
      setOpen(false);
    } catch (error) {
      if (error instanceof ApiError && Object.keys(error.fields).length) setErrors(error.fields);
      else setErrors({ form: error instanceof Error ? error.message : String(error) });
    } finally {
      setBusy(false);
    }
  }

  const label = mine ? "Your contact details" : `Contact details of ${name}`;
  return (
    <>
      <Tooltip label={label}>
        <ActionIcon variant="subtle" size={44} onClick={start} aria-label={label} data-testid="member-contacts">
          <IconAddressBook size={20} />
        </ActionIcon>
      </Tooltip>
      <Modal opened={open} onClose={() => setOpen(false)} title={label} data-testid="member-contacts-dialog">
        <form onSubmit={submit} noValidate>
          <Stack>
            <TextInput label="Phone" type="tel" value={v.phone} onChange={(e) => setV({ ...v, phone: e.currentTarget.value })} error={errors.phone}
              data-autofocus data-testid="member-phone" />
            <Textarea label="Address" autosize minRows={1} value={v.address} onChange={(e) => setV({ ...v, address: e.currentTarget.value })}
              error={errors.address} data-testid="member-address" />
            <TextInput label="Emergency contact" description="Name, relation and phone" value={v.emergency_contact}
              onChange={(e) => setV({ ...v, emergency_contact: e.currentTarget.value })} error={errors.emergency_contact} data-testid="member-emergency_contact" />
            {errors.form && <Text size="sm" c="red" role="alert">{errors.form}</Text>}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setOpen(false)}>Cancel</Button>
              <Button type="submit" loading={busy} data-testid="member-contacts-save">Save</Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
