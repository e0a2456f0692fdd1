import { Alert, Anchor, Button, Stack, Text } from "@mantine/core";
import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { api, ApiError } from "../api/client";
import { useMe } from "../api/hooks";
import type { Membership } from "../api/types";
import { PageTitle } from "../components/PageFrame";
import { AuthFrame } from "./AuthFrame";

/** `/invitations/:token`: join the production (signed in), or register with the invitation. */
export function AcceptInvitation() {
  const { token = "" } = useParams();
  const me = useMe();
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);

  async function accept() {
    try {
      const membership = await api<Membership>("/api/invitations/accept/", { method: "POST", json: { token } });
      navigate(`/productions/${membership.production}/`);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : "Could not accept the invitation.");
    }
  }
  const here = `/invitations/${token}`;
  return (
    <AuthFrame>
      <Stack>
        <PageTitle title="Invitation">You're invited to a production</PageTitle>
        {error && <Alert color="red">{error}</Alert>}
        {me.data ? (
          <Button onClick={accept}>Join as {me.data.display_name}</Button>
        ) : (
          <>
            <Text>Sign in or create an account with the email address the invitation was sent to.</Text>
            <Anchor component={Link} to={`/signin?next=${encodeURIComponent(here)}`}>Sign in</Anchor>
            <Anchor component={Link} to={`/register?invitation=${encodeURIComponent(token)}&next=${encodeURIComponent(here)}`}>Create an account</Anchor>
          </>
        )}
      </Stack>
    </AuthFrame>
  );
}
