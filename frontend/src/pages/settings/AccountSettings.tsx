// /settings/account: the name the crew sees, a change of password (which signs out every other browser), and
// two-factor authentication (TwoFactorSettings).
import { Alert, Button, Card, Container, PasswordInput, Stack, Text, TextInput, Title } from "@mantine/core";
import { notifications as toasts } from "@mantine/notifications";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRef, type FormEvent } from "react";
import { api, type ApiError } from "../../api/client";
import { useMe } from "../../api/hooks";
import { keys } from "../../api/keys";
import type { User } from "../../api/types";
import { PageMain, PageTitle } from "../../components/PageFrame";
import { TopBar } from "../../components/TopBar";
import { AvatarSection } from "./AvatarSection";
import { DevicesSection } from "./DevicesSection";
import { EmailSection } from "./EmailSection";
import { TimeZoneSection } from "./TimeZoneSection";
import { TwoFactorSettings } from "./TwoFactorSettings";
import { RecentSignIns } from "./RecentSignIns";

export function AccountSettings() {
  const me = useMe();
  return (
    <Container size="sm" py="md" data-testid="account-settings-page">
      <TopBar />
      <PageMain>
        <PageTitle size="h1" mb="md" title="Account settings">Account</PageTitle>
        <Stack gap="lg">
          {me.data && <NameForm key={me.data.name} user={me.data} />}
          <EmailSection />
          {me.data && <TimeZoneSection key={me.data.time_zone} user={me.data} />}
          {me.data && <AvatarSection user={me.data} />}
          <PasswordForm />
          <DevicesSection />
          <TwoFactorSettings />
          <RecentSignIns />
        </Stack>
      </PageMain>
    </Container>
  );
}

/** Sends the form's fields as JSON to `path` and puts the user it answers into the `me` cache. */
function useAccountWrite(method: "PATCH" | "POST", path: string) {
  const qc = useQueryClient();
  return useMutation<User, ApiError, Record<string, FormDataEntryValue | null>>({
    mutationFn: (json) => api<User>(path, { method, json }),
    onSuccess: (user) => qc.setQueryData(keys.me, user),
  });
}

function NameForm({ user }: { user: User }) {
  const save = useAccountWrite("PATCH", "/api/auth/account/");
  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    save.mutate({ name: new FormData(e.currentTarget).get("name") },
      { onSuccess: () => toasts.show({ color: "green", title: "Name saved", message: "The crew sees it from now on." }) });
  }
  return (
    <Card withBorder component="section" aria-labelledby="account-name-title">
      <form onSubmit={submit}>
        <Stack>
          <Title order={2} size="h3" id="account-name-title">Name</Title>
          <Text size="sm">Signed in as {user.username} ({user.email}).</Text>
          {save.error && !save.error.fields.name && <Alert color="red">{save.error.message}</Alert>}
          <TextInput name="name" label="Name the crew sees" description="Left empty, your username is shown." defaultValue={user.name}
            maxLength={150} autoComplete="name" error={save.error?.fields.name} data-testid="account-name" />
          <Button type="submit" loading={save.isPending} style={{ alignSelf: "flex-start" }}>Save name</Button>
        </Stack>
      </form>
    </Card>
  );
}

function PasswordForm() {
  const change = useAccountWrite("POST", "/api/auth/password/");
  const form = useRef<HTMLFormElement>(null);
  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    change.mutate({ current_password: data.get("current_password"), new_password: data.get("new_password") }, {
      onSuccess: () => {
        form.current?.reset();
        toasts.show({ color: "green", title: "Password changed", message: "Every other browser signed in to your account is signed out." });
      },
    });
  }
  const fields = change.error?.fields ?? {};
  return (
    <Card withBorder component="section" aria-labelledby="account-password-title">
      <form onSubmit={submit} ref={form}>
        <Stack>
          <Title order={2} size="h3" id="account-password-title">Password</Title>
          <Text size="sm">Changing it keeps you signed in here and signs out every other browser and app.</Text>
          {change.isSuccess && <Alert color="green" data-testid="password-changed">Your password is changed.</Alert>}
          {change.error && !fields.current_password && !fields.new_password && <Alert color="red">{change.error.message}</Alert>}
          <PasswordInput name="current_password" label="Current password" autoComplete="current-password" required error={fields.current_password} />
          <PasswordInput name="new_password" label="New password" autoComplete="new-password" required error={fields.new_password} />
          <Button type="submit" loading={change.isPending} style={{ alignSelf: "flex-start" }}>Change password</Button>
        </Stack>
      </form>
    </Card>
  );
}
