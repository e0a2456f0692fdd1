import { ActionIcon, Alert, Avatar, Badge, Button, Card, Group, Select, Stack, Table, Text, TextInput, Title, Tooltip, VisuallyHidden } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconDoorExit, IconMailForward, IconSend, IconTrash, IconX } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useMemo, useState, type FormEvent } from "react";
import { useNavigate } from "react-router-dom";
import { api } from "../api/client";
import { useMe, useMembers, useProduction } from "../api/hooks";
import { keys } from "../api/keys";
import type { Id, Membership, Role } from "../api/types";
import { useConflict } from "../components/ConflictDialog";
import { useProductionId } from "../hooks/useProductionId";
import { usePresence } from "../realtime/RealtimeProvider";
import { removeById, upsertById } from "./crew/breakdown";
import {
  addOutcome, assignableRoles, expiresIn, inviteError, isManager, mayManageMember, myRoleFrom, roleLabel, roleOptions, seesContacts, sortMembers,
  type Invitation,
} from "./crew/members";
import { MemberContacts } from "./crew/MemberContacts";
import { TwoFactorRequirement } from "./crew/TwoFactorRequirement";
import { TransferOwnership } from "./crew/TransferOwnership";
import { ConfirmDelete } from "./crew/ui";
import { useInvitations } from "./crew/useInvitations";
import { PageTitle } from "../components/PageFrame";

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The crew: who is on the production and in which role; owners and producers add, invite, change roles, remove. */
export function Members() {
  const production = useProductionId();
  const prod = useProduction(production);
  const me = useMe();
  const members = useMembers(production);
  const myRole = myRoleFrom(members.data, me.data?.id, prod.data?.my_role);
  const manager = isManager(myRole);
  const invitations = useInvitations(production, manager);
  usePresence(production, { page: "members" });
  const rows = useMemo(() => sortMembers(members.data ?? []), [members.data]);

  return (
    <Stack gap="lg" maw={1100}>
      <Group justify="space-between">
        <PageTitle>Crew</PageTitle>
        <Group gap="sm">
          <Text size="sm" c="dimmed">{rows.length} on the crew · you are {roleLabel(myRole).toLowerCase()}</Text>
          {myRole === "owner" && <TransferOwnership production={production} rows={rows} me={me.data?.id} />}
        </Group>
      </Group>
      {manager ? <InviteForm production={production} myRole={myRole} /> : (
        <Text size="sm" c="dimmed" data-testid="crew-read-only">Owners and producers manage the crew.</Text>
      )}
      {members.error && <Alert color="red">{members.error.message}</Alert>}
      <MembersTable production={production} rows={rows} me={me.data?.id} myRole={myRole} />
      {manager && <PendingInvitations production={production} myRole={myRole} invitations={invitations.data} error={invitations.error} />}
      {manager && prod.data && <TwoFactorRequirement production={prod.data} isOwner={myRole === "owner"} />}
    </Stack>
  );
}

function MembersTable({ production, rows, me, myRole }: { production: Id; rows: Membership[]; me: Id | undefined; myRole: Role | null }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const conflict = useConflict<Membership>("crew member");
  const [pending, setPending] = useState<Record<Id, Role>>({});
  const [removing, setRemoving] = useState<Membership | null>(null);
  const put = (m: Membership) => qc.setQueryData<Membership[]>(keys.members(production), (old) => upsertById(old, m));

  async function setRole(m: Membership, role: Role, version = m.version): Promise<void> {
    setPending((old) => ({ ...old, [m.id]: role }));
    try {
      const saved = await api<Membership>(`/api/productions/${production}/members/${m.id}/`, { method: "PATCH", json: { role, version } });
      put(saved);
      if (saved.user.id === me) void qc.invalidateQueries({ queryKey: keys.production(production) });
      notifications.show({ color: "green", message: `${saved.user.display_name} is now ${roleLabel(saved.role).toLowerCase()}.` });
    } catch (error) {
      const handled = conflict.handle(error, { role }, {
        keepMine: (theirs) => { put(theirs); void setRole(theirs, role, theirs.version); },
        takeTheirs: (theirs) => put(theirs),
      });
      if (!handled) notifications.show({ color: "red", title: "Role not changed", message: message(error) });
    } finally {
      setPending((old) => { const next = { ...old }; delete next[m.id]; return next; });
    }
  }

  async function remove(m: Membership): Promise<boolean> {
    try {
      await api<void>(`/api/productions/${production}/members/${m.id}/`, { method: "DELETE" });
    } catch (error) {
      notifications.show({ color: "red", title: m.user.id === me ? "You cannot leave" : "Not removed", message: message(error) });
      return false;
    }
    if (m.user.id === me) {
      void qc.invalidateQueries({ queryKey: keys.productions });
      navigate("/");
      return true;
    }
    qc.setQueryData<Membership[]>(keys.members(production), (old) => removeById(old, m.id));
    notifications.show({ message: `${m.user.display_name} is off the crew.` });
    return true;
  }

  const options = roleOptions(assignableRoles(myRole));
  return (
    <>
      <Table.ScrollContainer minWidth={520}>
        <Table striped highlightOnHover verticalSpacing={4} data-testid="members-table">
          <Table.Thead>
            <Table.Tr><Table.Th>Name</Table.Th><Table.Th>Username</Table.Th><Table.Th visibleFrom="md">Email</Table.Th><Table.Th w={220}>Role</Table.Th><Table.Th w={100}><VisuallyHidden>Actions</VisuallyHidden></Table.Th></Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((m) => {
              const mine = m.user.id === me;
              const manage = mayManageMember(myRole, m.role);
              const shown = pending[m.id] ?? m.role;
              return (
                <Table.Tr key={m.id} data-testid="member-row" data-username={m.user.username}>
                  <Table.Td>
                    <Group gap={6} wrap="nowrap"><Avatar src={m.user.avatar_url} size="sm" radius="xl" alt="" color="yellow">{(m.user.display_name || m.user.username).slice(0, 1).toUpperCase()}</Avatar><Text fw={600} style={{ whiteSpace: "nowrap" }}>{m.user.display_name || m.user.username}</Text>{mine && <Badge size="xs" variant="light">you</Badge>}</Group>
                    <Text size="xs" c="dimmed" hiddenFrom="md">{m.user.email}</Text>
                  </Table.Td>
                  <Table.Td><Text size="sm" ff="monospace">{m.user.username}</Text></Table.Td>
                  <Table.Td visibleFrom="md"><Text size="sm">{m.user.email || "—"}</Text>{m.phone && <Text size="xs" c="dimmed">{m.phone}</Text>}</Table.Td>
                  <Table.Td>
                    {manage ? (
                      <Select data={options} value={shown} allowDeselect={false} aria-label={`Role of ${m.user.display_name}`} size="sm" disabled={m.id in pending}
                        onChange={(v) => v && v !== m.role && void setRole(m, v as Role)} data-testid="member-role" comboboxProps={{ withinPortal: true }} />
                    ) : (
                      <Text size="sm" data-testid="member-role-text">{roleLabel(m.role)}</Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Group gap={0} wrap="nowrap">
                      {seesContacts(myRole, me, m.user.id) && <MemberContacts production={production} member={m} mine={mine} />}
                      {(manage || mine) && (
                        <Tooltip label={mine ? "Leave the production" : `Take ${m.user.display_name} off the crew`}>
                          <ActionIcon variant="subtle" color="red" size={44} onClick={() => setRemoving(m)} data-testid="member-remove"
                            aria-label={mine ? "Leave the production" : `Remove ${m.user.display_name}`}>
                            {mine ? <IconDoorExit size={20} /> : <IconTrash size={20} />}
                          </ActionIcon>
                        </Tooltip>
                      )}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {conflict.dialog}
      <ConfirmDelete what={removing ? (removing.user.id === me ? "this production" : removing.user.display_name) : null} verb={removing?.user.id === me ? "Leave" : "Remove"}
        consequence={removing?.user.id === me ? "You lose access to it until someone adds you again." : "They lose access to the production at once. You can add them again later."}
        onClose={() => setRemoving(null)} onConfirm={() => (removing ? remove(removing) : Promise.resolve(true))} />
    </>
  );
}

function InviteForm({ production, myRole }: { production: Id; myRole: Role | null }) {
  const qc = useQueryClient();
  const [login, setLogin] = useState("");
  const [role, setRole] = useState<Role>("crew");
  const [errors, setErrors] = useState<{ login?: string; role?: string }>({});
  const [sent, setSent] = useState<Invitation | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!login.trim()) { setErrors({ login: "Type a username or an email address." }); return; }
    setBusy(true);
    setErrors({});
    setSent(null);
    try {
      const outcome = addOutcome(await api<unknown>(`/api/productions/${production}/members/`, { method: "POST", json: { user_login: login.trim(), role } }));
      if (outcome.kind === "member") {
        qc.setQueryData<Membership[]>(keys.members(production), (old) => upsertById(old, outcome.membership));
        notifications.show({ color: "green", message: `${outcome.membership.user.display_name} joined the crew as ${roleLabel(outcome.membership.role).toLowerCase()}.` });
      } else {
        setSent(outcome.invitation);
        void qc.invalidateQueries({ queryKey: keys.invitations(production) });
      }
      setLogin("");
    } catch (error) {
      const view = inviteError(error);
      setErrors({ login: view.login, role: view.role });
      if (view.notify) notifications.show({ color: "red", ...view.notify });
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card withBorder p="md">
      <form onSubmit={submit}>
        <Text fw={600} mb="xs">Add someone to the crew</Text>
        <Group align="flex-start" wrap="wrap" gap="sm">
          <TextInput value={login} onChange={(e) => { setLogin(e.currentTarget.value); setErrors({}); }} placeholder="Username or email" aria-label="Username or email"
            size="md" error={errors.login} style={{ flex: "1 1 280px" }} data-testid="invite-login" />
          <Select data={roleOptions(assignableRoles(myRole))} value={role} onChange={(v) => v && setRole(v as Role)} allowDeselect={false} aria-label="Role"
            size="md" error={errors.role} w={230} data-testid="invite-role" comboboxProps={{ withinPortal: true }} />
          <Button type="submit" loading={busy} leftSection={<IconSend size={18} />} data-testid="invite-submit">Add</Button>
        </Group>
        <Text size="xs" c="dimmed" mt={6}>A username or the email of a Slate account adds them at once; any other email address gets an invitation by email.</Text>
        {sent && (
          <Alert color="green" mt="sm" withCloseButton onClose={() => setSent(null)} data-testid="invite-result">
            Invitation sent to {sent.email} as {roleLabel(sent.role).toLowerCase()}. They join the crew when they accept it (the link works {expiresIn(sent.expires_at)}).
          </Alert>
        )}
      </form>
    </Card>
  );
}

function PendingInvitations({ production, myRole, invitations, error }: { production: Id; myRole: Role | null; invitations: Invitation[] | undefined; error: Error | null }) {
  const qc = useQueryClient();
  const [revoking, setRevoking] = useState<Invitation | null>(null);
  const [resending, setResending] = useState<Id | null>(null);

  async function revoke(inv: Invitation): Promise<boolean> {
    try {
      await api<void>(`/api/productions/${production}/invitations/${inv.id}/`, { method: "DELETE" });
      qc.setQueryData<Invitation[]>(keys.invitations(production), (old) => removeById(old, inv.id));
      notifications.show({ message: `Invitation to ${inv.email} withdrawn.` });
      return true;
    } catch (e) {
      notifications.show({ color: "red", title: "Invitation not withdrawn", message: message(e) });
      return false;
    }
  }

  async function resend(inv: Invitation) {
    setResending(inv.id);
    try {
      await api(`/api/productions/${production}/members/`, { method: "POST", json: { user_login: inv.email, role: inv.role } });
      void qc.invalidateQueries({ queryKey: keys.invitations(production) });
      notifications.show({ color: "green", message: `Invitation sent again to ${inv.email}.` });
    } catch (e) {
      const view = inviteError(e);
      notifications.show({ color: "red", title: view.notify?.title ?? "Not sent", message: view.notify?.message ?? view.login ?? message(e) });
    } finally {
      setResending(null);
    }
  }

  if (error) return <Alert color="red">Pending invitations: {error.message}</Alert>;
  if (!invitations?.length) return null;
  return (
    <Stack gap="xs" data-testid="pending-invitations">
      <Title order={2} size="h4">Pending invitations</Title>
      <Table.ScrollContainer minWidth={620}>
        <Table verticalSpacing={4} striped>
          <Table.Thead><Table.Tr><Table.Th>Email</Table.Th><Table.Th>Role</Table.Th><Table.Th>Invited by</Table.Th><Table.Th>Link</Table.Th><Table.Th w={110}><VisuallyHidden>Actions</VisuallyHidden></Table.Th></Table.Tr></Table.Thead>
          <Table.Tbody>
            {invitations.map((inv) => (
              <Table.Tr key={inv.id} data-testid="invitation-row" data-email={inv.email}>
                <Table.Td><Text size="sm" fw={600}>{inv.email}</Text></Table.Td>
                <Table.Td><Text size="sm">{roleLabel(inv.role)}</Text></Table.Td>
                <Table.Td><Text size="sm">{inv.invited_by?.display_name ?? "—"}</Text></Table.Td>
                <Table.Td>
                  {inv.expired ? <Badge color="red" variant="light">Expired</Badge> : <Text size="sm" c="dimmed">works {expiresIn(inv.expires_at)}</Text>}
                </Table.Td>
                <Table.Td>
                  <Group gap={4} wrap="nowrap" justify="flex-end">
                    {mayManageMember(myRole, inv.role) && (
                      <>
                        <Tooltip label="Send the invitation again (a fresh link)">
                          <ActionIcon variant="subtle" size={44} loading={resending === inv.id} onClick={() => void resend(inv)} aria-label={`Send again to ${inv.email}`} data-testid="invitation-resend">
                            <IconMailForward size={20} />
                          </ActionIcon>
                        </Tooltip>
                        <Tooltip label="Withdraw the invitation">
                          <ActionIcon variant="subtle" color="red" size={44} onClick={() => setRevoking(inv)} aria-label={`Withdraw invitation to ${inv.email}`} data-testid="invitation-revoke">
                            <IconX size={20} />
                          </ActionIcon>
                        </Tooltip>
                      </>
                    )}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <ConfirmDelete what={revoking ? `the invitation to ${revoking.email}` : null} verb="Withdraw" consequence="The emailed link stops working. You can invite them again later."
        onClose={() => setRevoking(null)} onConfirm={() => (revoking ? revoke(revoking) : Promise.resolve(true))} />
    </Stack>
  );
}
