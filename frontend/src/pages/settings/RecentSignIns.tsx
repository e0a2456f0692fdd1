// Account settings' "Recent sign-ins": one's own sign-ins, sign-outs and the failed or refused attempts on one's account,
// with when and from where (GET /api/me/audit/) — a sign-in one does not recognise is someone else's.
import { Alert, Card, List, Stack, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { api } from "../../api/client";
import { AUDIT_PAGE_SIZE, auditWhat, auditWhere, type AuditEntry, type AuditPage } from "../audit/audit";
import { when } from "../media/format";

const LABELS: Partial<Record<AuditEntry["action"], string>> = {
  sign_in_failed: "Failed sign-in (wrong password or code)",
  sign_out: "Signed out",
};

/** The newest account entries, one line each: what, when, from where. */
export function RecentSignIns() {
  const history = useQuery({ queryKey: ["my-audit"], queryFn: () => api<AuditPage>(`/api/me/audit/?page_size=${AUDIT_PAGE_SIZE}`) });
  const rows = history.data?.results ?? [];
  return (
    <Card withBorder component="section" aria-labelledby="recent-sign-ins-title" data-testid="recent-sign-ins">
      <Stack>
        <Title order={2} size="h3" id="recent-sign-ins-title">Recent sign-ins</Title>
        <Text size="sm">Sign-ins to your account and attempts that failed, newest first. One you do not recognise? Change your password.</Text>
        {history.error && <Alert color="red">{history.error.message}</Alert>}
        {history.data && rows.length === 0 && <Text size="sm" c="dimmed">Nothing yet.</Text>}
        {rows.length > 0 && (
          <List spacing="xs" listStyleType="none" size="sm">
            {rows.map((entry) => (
              <List.Item key={entry.id} data-testid="recent-sign-in" data-action={entry.action}>
                <Text size="sm" fw={entry.action === "sign_in" ? 400 : 600} span>
                  {LABELS[entry.action] ?? auditWhat(entry)}
                </Text>
                <Text size="sm" c="dimmed" span> · <time dateTime={entry.at}>{when(entry.at)}</time> · {auditWhere(entry)}</Text>
              </List.Item>
            ))}
          </List>
        )}
      </Stack>
    </Card>
  );
}
