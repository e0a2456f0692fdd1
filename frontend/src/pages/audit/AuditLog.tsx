// /productions/:id/audit: the production's audit log for its owners — who changed roles, added, invited or removed
// crew, handed the production over or downloaded its files, when and from where (GET /api/productions/{id}/audit/).
import { Alert, Button, Card, Group, NativeSelect, Stack, Table, Text } from "@mantine/core";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api, ApiError } from "../../api/client";
import { useProduction } from "../../api/hooks";
import type { Id } from "../../api/types";
import { PageTitle } from "../../components/PageFrame";
import { useProductionId } from "../../hooks/useProductionId";
import { when } from "../media/format";
import { AUDIT_PAGE_SIZE, auditWhat, auditWhere, auditWho, PRODUCTION_ACTIONS, type AuditPage } from "./audit";

const ALL = "";

function useProductionAudit(production: Id, action: string, page: number, enabled: boolean) {
  const filter = action ? `&action=${encodeURIComponent(action)}` : "";
  return useQuery({
    queryKey: ["audit", production, action, page] as const,
    queryFn: () => api<AuditPage>(`/api/productions/${production}/audit/?page=${page}&page_size=${AUDIT_PAGE_SIZE}${filter}`),
    enabled, placeholderData: keepPreviousData, retry: (n, e) => !(e instanceof ApiError && e.status < 500) && n < 2,
  });
}

/** The audit log page: a filter by action, the newest entries first, a page at a time. Owners only (the API says 403 to others). */
export function AuditLog() {
  const production = useProductionId();
  const prod = useProduction(production);
  const [action, setAction] = useState(ALL);
  const [page, setPage] = useState(1);
  const owner = prod.data?.my_role === "owner";
  const log = useProductionAudit(production, action, page, owner);
  const pages = Math.max(1, Math.ceil((log.data?.count ?? 0) / AUDIT_PAGE_SIZE));
  return (
    <Stack maw={1100} data-testid="audit-page">
      <Group justify="space-between" align="flex-end">
        <PageTitle>Audit log</PageTitle>
        {owner && (
          <NativeSelect label="Action" data={[{ value: ALL, label: "All actions" }, ...PRODUCTION_ACTIONS]} value={action}
            onChange={(e) => { setAction(e.currentTarget.value); setPage(1); }} w={240} data-testid="audit-filter" />
        )}
      </Group>
      {prod.data && !owner && <Alert color="gray" data-testid="audit-owners-only">Only the production's owners can read its audit log.</Alert>}
      {log.error && <Alert color="red" role="alert">{log.error.message}</Alert>}
      {owner && log.isPending && <Text c="dimmed" role="status">Loading the audit log…</Text>}
      {log.data && log.data.results.length === 0 && <Text c="dimmed" data-testid="audit-empty">Nothing recorded{action ? " for this action" : ""} yet.</Text>}
      {log.data && log.data.results.length > 0 && (
        <Card withBorder padding={0}>
          <Table.ScrollContainer minWidth={720}>
            <Table verticalSpacing="sm" striped data-testid="audit-table">
              <Table.Caption>Newest first. Sign-ins are in each person's own account settings.</Table.Caption>
              <Table.Thead>
                <Table.Tr><Table.Th w={190}>When</Table.Th><Table.Th>Who</Table.Th><Table.Th>What</Table.Th><Table.Th>From where</Table.Th></Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {log.data.results.map((entry) => (
                  <Table.Tr key={entry.id} data-testid="audit-row" data-action={entry.action}>
                    <Table.Td><time dateTime={entry.at}>{when(entry.at)}</time></Table.Td>
                    <Table.Td>{auditWho(entry)}</Table.Td>
                    <Table.Td>{auditWhat(entry)}</Table.Td>
                    <Table.Td><Text size="sm" title={entry.user_agent || undefined}>{auditWhere(entry)}</Text></Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Card>
      )}
      {log.data && pages > 1 && (
        <Group justify="space-between" component="nav" aria-label="Audit log pages">
          <Button variant="default" disabled={page <= 1} onClick={() => setPage((p) => p - 1)}>Newer</Button>
          <Text size="sm" aria-live="polite">Page {page} of {pages}</Text>
          <Button variant="default" disabled={page >= pages} onClick={() => setPage((p) => p + 1)}>Older</Button>
        </Group>
      )}
    </Stack>
  );
}
