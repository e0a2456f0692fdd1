import { Alert, Anchor, Loader, Stack } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { api, ApiError } from "../api/client";
import { keys } from "../api/keys";
import type { User } from "../api/types";
import { PageTitle } from "../components/PageFrame";
import { AuthFrame } from "./AuthFrame";

/** The link mailed to a new address lands here: `/verify-email-change?token=…`; following it makes it the account's email. */
export function VerifyEmailChange() {
  const [params] = useSearchParams();
  const qc = useQueryClient();
  const [state, setState] = useState<"working" | User | string>("working");
  useEffect(() => {
    api<User>("/api/me/email/confirm/", { method: "POST", json: { token: params.get("token") ?? "" } })
      .then((user) => {
        setState(user);
        void qc.invalidateQueries({ queryKey: keys.me });
        void qc.invalidateQueries({ queryKey: ["me-email"] });
      })
      .catch((e: unknown) => setState(e instanceof ApiError ? e.message : "Could not confirm the address."));
  }, [params, qc]);
  return (
    <AuthFrame width={420}>
      <Stack>
        <PageTitle>New email address</PageTitle>
        {state === "working" && <Loader />}
        {typeof state === "object" && <Alert color="green" data-testid="email-changed">Your email is now {state.email}.</Alert>}
        {typeof state === "string" && state !== "working" && <Alert color="red">{state}</Alert>}
        <Anchor component={Link} to="/settings/account">Account settings</Anchor>
      </Stack>
    </AuthFrame>
  );
}
