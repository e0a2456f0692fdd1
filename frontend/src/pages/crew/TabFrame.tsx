// The frame of a breakdown tab: filter box, count, the tab's "Add" button, loading and error states.
import { Alert, Center, Group, Loader, Stack, Text, TextInput } from "@mantine/core";
import { IconSearch } from "@tabler/icons-react";
import type { ReactNode } from "react";

export function TabFrame({ query, onQuery, placeholder, loading, error, count, noun, empty, action, children }: {
  query: string; onQuery: (q: string) => void; placeholder: string; loading: boolean; error: Error | null;
  count: number; noun: string; empty: boolean; action: ReactNode; children: ReactNode;
}) {
  return (
    <Stack gap="sm" pt="sm">
      <Group justify="space-between" wrap="wrap">
        <Group gap="sm">
          <TextInput leftSection={<IconSearch size={16} />} placeholder={placeholder} value={query} onChange={(e) => onQuery(e.currentTarget.value)} w={280} aria-label="Filter" />
          <Text size="sm" c="dimmed">{count} {noun}{count === 1 ? "" : "s"}</Text>
        </Group>
        {action}
      </Group>
      {error && <Alert color="red">{error.message}</Alert>}
      {loading ? <Center h={120}><Loader /></Center> : empty ? <Text c="dimmed" py="lg" data-testid="tab-empty">No {noun}s yet.</Text> : children}
    </Stack>
  );
}
