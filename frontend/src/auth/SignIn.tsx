import { Alert, Anchor, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link, useNavigate, useSearchParams } from "react-router-dom";
import { api, ApiError } from "../api/client";
import { keys } from "../api/keys";
import type { User } from "../api/types";

/** Sign in with username or email; then back to where the user was going (`?next=`). */
export function SignIn() {
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    try {
      const user = await api<User>("/api/auth/login/", { method: "POST", json: { login: form.get("login"), password: form.get("password") } });
      qc.setQueryData(keys.me, user);
      navigate(next, { replace: true });
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, { message: String(err), code: "network", extra: {} }));
    } finally {
      setBusy(false);
    }
  }
  return (
    <Center mih="100vh" p="md">
      <Paper withBorder p="xl" w={400} maw="100%">
        <form onSubmit={submit}>
          <Stack>
            <Title order={2}>Sign in to Slate</Title>
            {error && <Alert color="red" data-testid="signin-error">{error.message}</Alert>}
            <TextInput name="login" label="Username or email" autoComplete="username" required error={error?.fields.login} />
            <PasswordInput name="password" label="Password" autoComplete="current-password" required error={error?.fields.password} />
            <Button type="submit" loading={busy}>Sign in</Button>
            <Text size="sm">New to Slate? <Anchor component={Link} to={`/register${params.get("next") ? `?next=${encodeURIComponent(next)}` : ""}`}>Create an account</Anchor></Text>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}

/** Only same-site paths: `?next=https://evil.example` must not redirect off Slate. */
export function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/";
}
