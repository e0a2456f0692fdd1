// /settings/notifications: what notifies the user on which channel, quiet hours, and push on this device.
import { Alert, Anchor, Button, Card, Center, Container, Group, Loader, Select, Stack, Switch, Table, Text, TextInput, Title } from "@mantine/core";
import { notifications as toasts } from "@mantine/notifications";
import { useMemo, useState } from "react";
import {
  browserTimeZone, CHANNELS, NOTIFICATION_KINDS, useNotificationPrefs, useSaveNotificationPrefs,
  type Channel, type NotificationKind, type NotificationPrefs,
} from "../../api/notifications";
import { PageMain, PageTitle } from "../../components/PageFrame";
import { TopBar } from "../../components/TopBar";
import { PushOnThisDevice } from "./PushOnThisDevice";

export function NotificationSettings() {
  const prefs = useNotificationPrefs();
  return (
    <Container size="md" py="md" data-testid="notification-settings-page">
      <TopBar />
      <PageMain>
        <PageTitle size="h1" mb="md" title="Notification settings">Notifications</PageTitle>
        <Stack gap="lg">
          {prefs.isPending && <Center h={120}><Loader /></Center>}
          {prefs.error && <Alert color="red" title="Your notification settings could not be loaded">{prefs.error.message}</Alert>}
          {/* Keyed by the saved copy: a save (or another tab's) starts the form again from what the server has. */}
          {prefs.data && <PreferencesForm key={JSON.stringify(prefs.data)} saved={prefs.data} />}
          <PushOnThisDevice pushWanted={prefs.data ? Object.values(prefs.data.kinds).some((k) => k.push) : true} />
        </Stack>
      </PageMain>
    </Container>
  );
}

/** Quiet hours not set up yet start in the browser's time zone. */
function initialForm(saved: NotificationPrefs): NotificationPrefs {
  const q = saved.quiet_hours;
  return { ...saved, quiet_hours: { ...q, timezone: q.enabled && q.timezone ? q.timezone : browserTimeZone() } };
}

function timeZones(current: string): string[] {
  let zones: string[] = [];
  try { zones = Intl.supportedValuesOf("timeZone"); } catch { /* an old browser: the current one only */ }
  return zones.includes(current) ? zones : [current, ...zones];
}

function PreferencesForm({ saved }: { saved: NotificationPrefs }) {
  const initial = useMemo(() => initialForm(saved), [saved]);
  const [form, setForm] = useState(initial);
  const save = useSaveNotificationPrefs();
  const zones = useMemo(() => timeZones(form.quiet_hours.timezone), [form.quiet_hours.timezone]);
  const dirty = JSON.stringify(form) !== JSON.stringify(initial);
  const fields = save.error?.fields ?? {};
  const q = form.quiet_hours;

  const setChannel = (kind: NotificationKind, channel: Channel, on: boolean) =>
    setForm((f) => ({ ...f, kinds: { ...f.kinds, [kind]: { ...f.kinds[kind], [channel]: on } } }));
  const setQuiet = (changes: Partial<NotificationPrefs["quiet_hours"]>) => setForm((f) => ({ ...f, quiet_hours: { ...f.quiet_hours, ...changes } }));

  function submit() {
    save.mutate(form, {
      onSuccess: () => toasts.show({ color: "green", title: "Notification settings saved", message: "They apply from now on." }),
    });
  }

  return (
    <form onSubmit={(e) => { e.preventDefault(); submit(); }}>
      <Stack gap="lg">
        <Card withBorder>
          <Title order={2} size="h4" mb={4}>What notifies you, and how</Title>
          <Text size="sm" c="dimmed" mb="sm">Email goes to your account's address. Push reaches the devices where you turned it on below.</Text>
          <Table.ScrollContainer minWidth={480}>
            <Table verticalSpacing="xs" data-testid="notification-prefs-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Notification</Table.Th>
                  {CHANNELS.map((c) => <Table.Th key={c.channel} ta="center" w={90}>{c.label}</Table.Th>)}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {NOTIFICATION_KINDS.map(({ kind, label, help }) => (
                  <Table.Tr key={kind} data-testid={`pref-row-${kind}`}>
                    <Table.Td><Text size="sm" fw={600}>{label}</Text><Text size="xs" c="dimmed">{help}</Text></Table.Td>
                    {CHANNELS.map((c) => (
                      <Table.Td key={c.channel}>
                        <Center>
                          <Switch checked={form.kinds[kind]?.[c.channel] ?? false} onChange={(e) => setChannel(kind, c.channel, e.currentTarget.checked)}
                            aria-label={`${label}: ${c.label}`} data-testid={`pref-${kind}-${c.channel}`} size="md" />
                        </Center>
                      </Table.Td>
                    ))}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Card>

        <Card withBorder>
          <Title order={2} size="h4" mb={4}>Quiet hours</Title>
          <Text size="sm" c="dimmed" mb="sm">No push notifications in these hours: they wait until the end, and are dropped if you have read them by then. In-app and email are not held back.</Text>
          <Stack gap="sm">
            <Switch label="Hold push notifications during quiet hours" checked={q.enabled} onChange={(e) => setQuiet({ enabled: e.currentTarget.checked })}
              data-testid="quiet-enabled" size="md" />
            <Group grow align="flex-start" wrap="wrap">
              <TextInput type="time" label="From" value={q.start} onChange={(e) => setQuiet({ start: e.currentTarget.value })} disabled={!q.enabled}
                required={q.enabled} error={fields.quiet_hours} data-testid="quiet-start" miw={140} />
              <TextInput type="time" label="Until" value={q.end} onChange={(e) => setQuiet({ end: e.currentTarget.value })} disabled={!q.enabled}
                required={q.enabled} data-testid="quiet-end" miw={140} />
              <Select label="Time zone" data={zones} value={q.timezone} searchable allowDeselect={false} disabled={!q.enabled}
                onChange={(v) => { if (v) setQuiet({ timezone: v }); }} data-testid="quiet-timezone" miw={220} nothingFoundMessage="No such time zone" />
            </Group>
            {q.enabled && q.timezone !== browserTimeZone() && (
              <Text size="xs" c="dimmed">This browser is in {browserTimeZone()}. <Anchor component="button" type="button" size="xs" onClick={() => setQuiet({ timezone: browserTimeZone() })}>Use it</Anchor></Text>
            )}
          </Stack>
        </Card>

        {save.error && !Object.keys(fields).length && <Alert color="red" title="Not saved">{save.error.message}</Alert>}
        {save.error && Object.keys(fields).length > 0 && (
          <Alert color="red" title="Not saved">{Object.entries(fields).map(([name, message]) => <div key={name}>{name.replace(/_/g, " ")}: {message}</div>)}</Alert>
        )}
        <Group>
          <Button type="submit" loading={save.isPending} disabled={!dirty} data-testid="notification-prefs-save">Save</Button>
          {dirty && <Button variant="subtle" color="gray" onClick={() => { setForm(initial); save.reset(); }}>Undo changes</Button>}
        </Group>
      </Stack>
    </form>
  );
}
