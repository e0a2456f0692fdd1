import { Alert, Anchor, Button, PasswordInput, Stack, Text, TextInput } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link, useNavigate, useSearchParams } from "react-router-dom";
import { api, ApiError } from "../api/client";
import { keys } from "../api/keys";
import type { User } from "../api/types";
import { PageTitle } from "../components/PageFrame";
import { AuthFrame } from "./AuthFrame";

/**
 * Sign in with username or email; then back to where the user was going (`?next=`). For an account with two-factor
 * authentication the server answers 401 `two_factor_required`: a code field appears and the three are sent again.
 */
export function SignIn() {
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [askCode, setAskCode] = useState(false);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    try {
      const json = { login: form.get("login"), password: form.get("password"), ...(askCode ? { code: form.get("code") } : {}) };
      const user = await api<User>("/api/auth/login/", { method: "POST", json });
      qc.setQueryData(keys.me, user);
      navigate(next, { replace: true });
    } catch (err) {
      const failure = err instanceof ApiError ? err : new ApiError(0, { message: String(err), code: "network", extra: {} });
      if (failure.code === "two_factor_required") setAskCode(true);
      setError(failure);
    } finally {
      setBusy(false);
    }
  }
  return (
    <AuthFrame width={400}>
      <form onSubmit={submit}>
        <Stack>
          <PageTitle title="Sign in">Sign in to Slate</PageTitle>
          {error && (error.code === "two_factor_required"
            ? <Alert color="blue" data-testid="signin-code-needed">{error.message}</Alert>
            : <Alert color="red" data-testid="signin-error">{error.message}</Alert>)}
          <TextInput name="login" label="Username or email" autoComplete="username" required error={error?.fields.login} />
          <PasswordInput name="password" label="Password" autoComplete="current-password" required error={error?.fields.password} />
          {askCode && (
            <TextInput name="code" label="Authentication code or recovery code" description="From your authenticator app, or one of your recovery codes."
              autoComplete="one-time-code" required autoFocus maxLength={32} error={error?.fields.code} data-testid="signin-code" />
          )}
          <Anchor component={Link} size="sm" underline="always" to="/forgot-password" data-testid="forgot-password">Forgot password?</Anchor>
          <Button type="submit" loading={busy}>Sign in</Button>
          <Text size="sm">New to Slate? <Anchor component={Link} underline="always" to={`/register${params.get("next") ? `?next=${encodeURIComponent(next)}` : ""}`}>Create an account</Anchor></Text>
        </Stack>
      </form>
    </AuthFrame>
  );
}

/** Only same-site paths: `?next=https://evil.example` must not redirect off Slate. */
export function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/";
}
