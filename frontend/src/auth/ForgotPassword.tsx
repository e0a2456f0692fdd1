import { Alert, Anchor, Button, Stack, Text, TextInput } from "@mantine/core";
import { useState, type FormEvent } from "react";
import { Link } from "react-router-dom";
import { api } from "../api/client";
import { PageTitle } from "../components/PageFrame";
import { useFormRequest } from "./formRequest";
import { AuthFrame } from "./AuthFrame";

/** `/forgot-password`: ask for a reset link by email. The answer is the same whether or not the address has an account. */
export function ForgotPassword() {
  const [sent, setSent] = useState<string | null>(null);
  const { error, busy, run } = useFormRequest();

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const email = new FormData(e.currentTarget).get("email");
    const answer = await run(() => api<{ message: string }>("/api/auth/password-reset/", { method: "POST", json: { email } }));
    if (answer) setSent(answer.message);
  }
  return (
    <AuthFrame width={420}>
      <form onSubmit={submit}>
        <Stack>
          <PageTitle title="Forgot password">Forgot your password?</PageTitle>
          {sent
            ? <Alert color="green" data-testid="reset-sent">{sent}</Alert>
            : <Text size="sm">Enter the email address of your account: we will send you a link to choose a new password.</Text>}
          {error && <Alert color="red" data-testid="reset-error">{error.message}</Alert>}
          {!sent && <>
            <TextInput name="email" type="email" label="Email" autoComplete="email" required error={error?.fields.email} />
            <Button type="submit" loading={busy}>Send the link</Button>
          </>}
          <Anchor component={Link} underline="always" to="/signin">Back to sign in</Anchor>
        </Stack>
      </form>
    </AuthFrame>
  );
}
