// Account settings' "Email": the address in use, a change waiting for its emailed link, and asking for one
// (POST /api/me/email/ with the current password; the address changes only once the link is followed).
import { Alert, Button, Card, Group, PasswordInput, Stack, Text, TextInput, Title } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRef, type FormEvent } from "react";
import { api, type ApiError } from "../../api/client";

interface EmailState { email: string; pending_email: string }
const KEY = ["me-email"] as const;

export function EmailSection() {
  const qc = useQueryClient();
  const state = useQuery({ queryKey: KEY, queryFn: () => api<EmailState>("/api/me/email/") });
  const form = useRef<HTMLFormElement>(null);
  const ask = useMutation<EmailState, ApiError, { email: string; password: string }>({
    mutationFn: (json) => api<EmailState>("/api/me/email/", { method: "POST", json }),
    onSuccess: (next) => { qc.setQueryData(KEY, next); form.current?.reset(); },
  });
  const cancel = useMutation<EmailState, ApiError>({
    mutationFn: () => api<EmailState>("/api/me/email/", { method: "DELETE" }),
    onSuccess: (next) => qc.setQueryData(KEY, next),
  });
  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    ask.mutate({ email: String(data.get("email") ?? ""), password: String(data.get("password") ?? "") });
  }
  const fields = ask.error?.fields ?? {};
  const pending = state.data?.pending_email;
  return (
    <Card withBorder component="section" aria-labelledby="account-email-title" data-testid="email-section">
      <form onSubmit={submit} ref={form}>
        <Stack>
          <Title order={2} size="h3" id="account-email-title">Email</Title>
          {state.data && <Text size="sm">Your address: <strong data-testid="current-email">{state.data.email}</strong></Text>}
          {pending && (
            <Alert color="blue" data-testid="pending-email">
              <Stack gap="xs">
                <Text size="sm">We sent a link to <strong>{pending}</strong>. Your address changes once you follow it.</Text>
                <Group><Button size="xs" variant="default" onClick={() => cancel.mutate()} loading={cancel.isPending}>Cancel the change</Button></Group>
              </Stack>
            </Alert>
          )}
          {(state.error || cancel.error) && <Alert color="red">{(state.error ?? cancel.error)?.message}</Alert>}
          {ask.error && !fields.email && !fields.password && <Alert color="red">{ask.error.message}</Alert>}
          <TextInput name="email" type="email" label="New email address" autoComplete="email" required error={fields.email} data-testid="new-email" />
          <PasswordInput name="password" label="Current password" autoComplete="current-password" required error={fields.password} data-testid="email-password" />
          <Button type="submit" loading={ask.isPending} style={{ alignSelf: "flex-start" }}>Change email</Button>
        </Stack>
      </form>
    </Card>
  );
}
