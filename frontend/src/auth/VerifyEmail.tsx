import { Alert, Anchor, Center, Loader, Paper, Stack, Title } from "@mantine/core";
import { useEffect, useState } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { api, ApiError } from "../api/client";

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
    <Center mih="100vh" p="md">
      <Paper withBorder p="xl" w={420} maw="100%">
        <Stack>
          <Title order={2}>Email verification</Title>
          {state === "working" && <Loader />}
          {state === "ok" && <Alert color="green">Your email is confirmed.</Alert>}
          {state !== "working" && state !== "ok" && <Alert color="red">{state}</Alert>}
          <Anchor component={Link} to="/signin">Sign in</Anchor>
        </Stack>
      </Paper>
    </Center>
  );
}
