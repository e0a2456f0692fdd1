import { Alert, Anchor, Button, PasswordInput, Stack, Text, TextInput } from "@mantine/core";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { api, ApiError } from "../api/client";
import { PageTitle } from "../components/PageFrame";
import { AuthFrame } from "./AuthFrame";

/** Create an account; a verification link is emailed (or, with an invitation, the account is ready at once). */
export function Register() {
  const [params] = useSearchParams();
  const invitation = params.get("invitation");
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState<{ email: string; verified: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const doneHeading = useRef<HTMLHeadingElement>(null);
  // The form (and its button, which had focus) is replaced by what happens next: focus goes to its heading.
  useEffect(() => { if (done) doneHeading.current?.focus(); }, [done]);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = Object.fromEntries(new FormData(e.currentTarget)) as Record<string, string>;
    setBusy(true);
    try {
      const user = await api<{ email: string; email_verified: boolean }>("/api/auth/register/", { method: "POST", json: { ...form, ...(invitation ? { invitation } : {}) } });
      setDone({ email: user.email, verified: user.email_verified });
      setError(null);
    } catch (err) {
      if (err instanceof ApiError) setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <AuthFrame>
      {done ? (
        <Stack>
          <PageTitle ref={doneHeading} tabIndex={-1}>{done.verified ? "Your account is ready" : "Check your email"}</PageTitle>
          <Text>{done.verified ? "Sign in to open your production." : `We sent a link to ${done.email}. Open it to confirm your address, then sign in.`}</Text>
          <Anchor component={Link} to={`/signin${params.get("next") ? `?next=${encodeURIComponent(params.get("next") ?? "/")}` : ""}`}>Sign in</Anchor>
        </Stack>
      ) : (
        <form onSubmit={submit}>
          <Stack>
            <PageTitle title="Create an account">Create your Slate account</PageTitle>
            {error && !Object.keys(error.fields).length && <Alert color="red">{error.message}</Alert>}
            <TextInput name="name" label="Your name" placeholder="Ana Ruiz" error={error?.fields.name} />
            <TextInput name="username" label="Username" required error={error?.fields.username} />
            <TextInput name="email" type="email" label="Email" required error={error?.fields.email} />
            <PasswordInput name="password" label="Password" required error={error?.fields.password} />
            <Button type="submit" loading={busy}>Create account</Button>
            <Text size="sm">Already have one? <Anchor component={Link} underline="always" to="/signin">Sign in</Anchor></Text>
          </Stack>
        </form>
      )}
    </AuthFrame>
  );
}
