// The newest notifications, as the bell's dropdown lists them: unread dot, title, body, production, when.
import { ActionIcon, Box, Button, Center, Group, Loader, ScrollArea, Stack, Text, Tooltip, UnstyledButton, VisuallyHidden } from "@mantine/core";
import { IconCheck, IconChecks, IconSettings } from "@tabler/icons-react";
import { Link } from "react-router-dom";
import { useMarkAllRead, useMarkRead, useNotifications, type Notification } from "../../api/notifications";
import { when } from "../../pages/scene/time";

export function NotificationList({ onOpen, onClose, unread }: { onOpen: (n: Notification) => void; onClose: () => void; unread: number }) {
  const list = useNotifications();
  const markAll = useMarkAllRead();
  const items = list.data ?? [];
  return (
    <Stack gap={0} data-testid="notification-list">
      <Group justify="space-between" px="sm" py="xs" wrap="nowrap">
        <Text fw={700}>Notifications</Text>
        <Button variant="subtle" size="compact-sm" h={36} leftSection={<IconChecks size={16} />} disabled={unread === 0 && !items.some((n) => !n.read_at)}
          loading={markAll.isPending} onClick={() => markAll.mutate(undefined)} data-testid="notification-mark-all">
          Mark all read
        </Button>
      </Group>
      <ScrollArea.Autosize mah="min(460px, 65vh)" type="auto">
        {list.isPending && <Center p="lg"><Loader size="sm" /></Center>}
        {list.error && <Text c="red" size="sm" p="sm">The notifications could not be loaded: {list.error.message}</Text>}
        {list.isSuccess && items.length === 0 && <Text c="dimmed" size="sm" p="lg" ta="center" data-testid="notification-empty">Nothing yet. Mentions, call sheets and jobs you started show up here.</Text>}
        {items.map((n) => <NotificationItem key={n.id} n={n} onOpen={onOpen} />)}
      </ScrollArea.Autosize>
      <Box px="sm" py={6} style={{ borderTop: "1px solid var(--mantine-color-default-border)" }}>
        <Button component={Link} to="/settings/notifications" variant="subtle" color="gray" size="compact-sm" h={36} leftSection={<IconSettings size={16} />}
          onClick={onClose} data-testid="notification-settings-link">
          Notification settings
        </Button>
      </Box>
    </Stack>
  );
}

function NotificationItem({ n, onOpen }: { n: Notification; onOpen: (n: Notification) => void }) {
  const markRead = useMarkRead();
  const unread = n.read_at === null;
  return (
    <Group gap={0} wrap="nowrap" align="stretch" data-testid="notification-item" data-id={n.id} data-unread={unread}
      style={{ borderTop: "1px solid var(--mantine-color-default-border)", background: unread ? "var(--mantine-color-default-hover)" : undefined }}>
      <UnstyledButton onClick={() => onOpen(n)} px="sm" py="xs" style={{ flex: 1, minWidth: 0, minHeight: 44 }} data-testid="notification-open">
        <Group gap="xs" wrap="nowrap" align="flex-start">
          <Box w={8} h={8} mt={7} style={{ flex: "none", borderRadius: 4, background: unread ? "var(--mantine-color-yellow-filled)" : "transparent" }}
            data-testid={unread ? "notification-unread-dot" : undefined} aria-hidden />
          {unread && <VisuallyHidden>Unread:</VisuallyHidden>}
          <Box style={{ minWidth: 0 }}>
            <Text size="sm" fw={unread ? 700 : 500} lineClamp={2} data-testid="notification-title">{n.title}</Text>
            {n.body && <Text size="sm" c="dimmed" lineClamp={3} style={{ whiteSpace: "pre-line" }}>{n.body}</Text>}
            <Text size="xs" c="dimmed" mt={2}>
              {n.production_title}{n.production_title ? " · " : ""}<time dateTime={n.created_at} title={new Date(n.created_at).toLocaleString()}>{when(n.created_at)}</time>
            </Text>
          </Box>
        </Group>
      </UnstyledButton>
      {unread && (
        <Tooltip label="Mark read">
          <ActionIcon variant="subtle" color="gray" aria-label="Mark read" m={4} onClick={() => markRead.mutate(n)} data-testid="notification-mark-read">
            <IconCheck size={18} />
          </ActionIcon>
        </Tooltip>
      )}
    </Group>
  );
}
