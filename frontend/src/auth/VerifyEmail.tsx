import { Alert, Anchor, Loader, Stack } from "@mantine/core";
import { useEffect, useState } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { api, ApiError } from "../api/client";
import { PageTitle } from "../components/PageFrame";
import { AuthFrame } from "./AuthFrame";

/** The emailed link lands here: `/verify-email?uid=…&token=…`. */
export function VerifyEmail() {
  const [params] = useSearchParams();
  const [state, setState] = useState<"working" | "ok" | string>("working");
  useEffect(() => {
    api("/api/auth/verify-email/", { method: "POST", json: { uid: params.get("uid"), token: params.get("token") } })
      .then(() => setState("ok"))
      .catch((e: unknown) => setState(e instanceof ApiError ? e.message : "Could not verify."));
  }, [params]);
  return (
    <AuthFrame width={420}>
      <Stack>
        <PageTitle>Email verification</PageTitle>
        {state === "working" && <Loader />}
        {state === "ok" && <Alert color="green">Your email is confirmed.</Alert>}
        {state !== "working" && state !== "ok" && <Alert color="red">{state}</Alert>}
        <Anchor component={Link} to="/signin">Sign in</Anchor>
      </Stack>
    </AuthFrame>
  );
}
