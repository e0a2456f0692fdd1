import { Alert, Anchor, Button, PasswordInput, Stack, Text } from "@mantine/core";
import { useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { api, ApiError } from "../api/client";
import { PageTitle } from "../components/PageFrame";
import { useFormRequest } from "./formRequest";
import { AuthFrame } from "./AuthFrame";

/** The emailed reset link lands here: `/reset-password?uid=…&token=…`; choose a new password, then sign in with it. */
export function ResetPassword() {
  const [params] = useSearchParams();
  const [done, setDone] = useState(false);
  const { error, setError, busy, run } = useFormRequest();

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    if (form.get("password") !== form.get("again")) {
      setError(new ApiError(400, { message: "The two passwords differ.", code: "invalid", extra: { fields: { again: ["Type the same password twice."] } } }));
      return;
    }
    const json = { uid: params.get("uid"), token: params.get("token"), password: form.get("password") };
    if (await run(() => api("/api/auth/password-reset/confirm/", { method: "POST", json }))) setDone(true);
  }
  return (
    <AuthFrame width={420}>
      <form onSubmit={submit}>
        <Stack>
          <PageTitle title="Choose a new password">Choose a new password</PageTitle>
          {done && <Alert color="green" data-testid="reset-done">Your password is changed, and every other signed-in browser is signed out. Sign in with the new one.</Alert>}
          {error && <Alert color="red" data-testid="reset-error">{error.message}</Alert>}
          {error?.code === "invalid_token" && <Anchor component={Link} underline="always" to="/forgot-password">Ask for a new link</Anchor>}
          {!done && <>
            <Text size="sm">Every other browser signed in to your account will be signed out.</Text>
            <PasswordInput name="password" label="New password" autoComplete="new-password" required error={error?.fields.password} />
            <PasswordInput name="again" label="New password again" autoComplete="new-password" required error={error?.fields.again} />
            <Button type="submit" loading={busy}>Set the new password</Button>
          </>}
          <Anchor component={Link} underline="always" to="/signin" data-testid="reset-signin">Sign in</Anchor>
        </Stack>
      </form>
    </AuthFrame>
  );
}
