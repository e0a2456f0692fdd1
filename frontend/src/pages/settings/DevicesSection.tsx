// Account settings' "Signed-in devices": every browser and app signed in to the account (GET /api/me/devices/), signing
// one out (DELETE /api/me/devices/{id}/) and signing out everywhere else (POST /api/me/sign-out-everywhere/).
import { Alert, Badge, Button, Card, Group, Stack, Table, Text, Title, VisuallyHidden } from "@mantine/core";
import { notifications as toasts } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, type ApiError } from "../../api/client";
import { when } from "../media/format";

interface Device { id: number; kind: "session" | "jwt"; label: string; ip: string | null; created_at: string; last_seen_at: string; this_device: boolean }
const KEY = ["me-devices"] as const;

export function DevicesSection() {
  const qc = useQueryClient();
  const devices = useQuery({ queryKey: KEY, queryFn: () => api<Device[]>("/api/me/devices/") });
  const refresh = () => qc.invalidateQueries({ queryKey: KEY });
  const signOut = useMutation<unknown, ApiError, Device>({
    mutationFn: (d) => api(`/api/me/devices/${d.id}/`, { method: "DELETE" }),
    onSuccess: (_, d) => { toasts.show({ message: `${d.label} is signed out.` }); void refresh(); },
  });
  const everywhere = useMutation<unknown, ApiError>({
    mutationFn: () => api("/api/me/sign-out-everywhere/", { method: "POST", json: {} }),
    onSuccess: () => { toasts.show({ color: "green", message: "Every other browser and app is signed out." }); void refresh(); },
  });
  const rows = devices.data ?? [];
  const error = devices.error ?? signOut.error ?? everywhere.error;
  return (
    <Card withBorder component="section" aria-labelledby="account-devices-title" data-testid="devices-section">
      <Stack>
        <Title order={2} size="h3" id="account-devices-title">Signed-in devices</Title>
        <Text size="sm">Browsers and apps signed in to your account. Sign out one you do not use or do not recognise.</Text>
        {error && <Alert color="red">{error.message}</Alert>}
        {rows.length > 0 && (
          <Table.ScrollContainer minWidth={440}>
            <Table verticalSpacing={4} data-testid="devices-table">
              <Table.Thead><Table.Tr><Table.Th>Device</Table.Th><Table.Th>Last seen</Table.Th><Table.Th>Address</Table.Th><Table.Th><VisuallyHidden>Actions</VisuallyHidden></Table.Th></Table.Tr></Table.Thead>
              <Table.Tbody>
                {rows.map((d) => (
                  <Table.Tr key={d.id} data-testid="device-row" data-this-device={d.this_device || undefined}>
                    <Table.Td><Group gap={6} wrap="nowrap"><Text size="sm">{d.label}</Text>{d.this_device && <Badge size="xs" variant="light">this device</Badge>}</Group></Table.Td>
                    <Table.Td><Text size="sm"><time dateTime={d.last_seen_at}>{when(d.last_seen_at)}</time></Text></Table.Td>
                    <Table.Td><Text size="sm">{d.ip ?? "—"}</Text></Table.Td>
                    <Table.Td>
                      {!d.this_device && (
                        <Button size="xs" variant="default" onClick={() => signOut.mutate(d)} loading={signOut.isPending && signOut.variables?.id === d.id}
                          aria-label={`Sign out ${d.label}, last seen ${when(d.last_seen_at)}`}>Sign out</Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        <Group>
          <Button color="red" variant="light" onClick={() => everywhere.mutate()} loading={everywhere.isPending} data-testid="sign-out-everywhere">
            Sign out everywhere else
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
