// /settings/account, "Two-factor authentication" (issue 18): set up an authenticator app (QR code or the secret typed
// by hand, then its first code), the recovery codes shown once (copy, download), turn it off, new recovery codes.
// API: /api/auth/two-factor/ (apps/accounts/two_factor_api.py).
import { Alert, Button, Card, Code, Group, Image, List, PasswordInput, Stack, Text, TextInput, Title } from "@mantine/core";
import { notifications as toasts } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api, type ApiError } from "../../api/client";
import { keys } from "../../api/keys";

interface Status { enabled: boolean; recovery_codes_left: number }
interface Setup { secret: string; otpauth_uri: string; qr_svg: string }
interface RecoveryCodes { recovery_codes: string[] }

const statusKey = ["two-factor"] as const;

/** The section: what it is, and the one step the user is at (off, setting up, codes to save, on). */
export function TwoFactorSettings() {
  const qc = useQueryClient();
  const status = useQuery({ queryKey: statusKey, queryFn: () => api<Status>("/api/auth/two-factor/") });
  const [setup, setSetup] = useState<Setup | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);

  function changed(newCodes: string[] | null) {
    setSetup(null);
    setCodes(newCodes);
    void qc.invalidateQueries({ queryKey: statusKey });
    void qc.invalidateQueries({ queryKey: keys.me });
  }

  return (
    <Card withBorder component="section" aria-labelledby="two-factor-title" data-testid="two-factor">
      <Stack>
        <Title order={2} size="h3" id="two-factor-title">Two-factor authentication</Title>
        <Text size="sm">
          Signing in then also asks for a code from an authenticator app on your phone (or one of your recovery codes),
          so your password alone is not enough. Some productions require it of their owners and producers.
        </Text>
        {status.error && <Alert color="red">{status.error.message}</Alert>}
        {codes ? <ShowRecoveryCodes codes={codes} onDone={() => setCodes(null)} />
          : setup ? <ConfirmSetup setup={setup} onCancel={() => setSetup(null)} onConfirmed={changed} />
          : status.data?.enabled ? <Enabled left={status.data.recovery_codes_left} onChanged={changed} />
          : status.data && <StartSetup onStarted={setSetup} />}
      </Stack>
    </Card>
  );
}

function StartSetup({ onStarted }: { onStarted: (setup: Setup) => void }) {
  const start = useMutation<Setup, ApiError>({ mutationFn: () => api<Setup>("/api/auth/two-factor/setup/", { method: "POST" }), onSuccess: onStarted });
  return (
    <Stack>
      <Text size="sm" data-testid="two-factor-status">Two-factor authentication is off.</Text>
      {start.error && <Alert color="red">{start.error.message}</Alert>}
      <Button onClick={() => start.mutate()} loading={start.isPending} style={{ alignSelf: "flex-start" }} data-testid="two-factor-start">
        Set up two-factor authentication
      </Button>
    </Stack>
  );
}

function ConfirmSetup({ setup, onCancel, onConfirmed }: { setup: Setup; onCancel: () => void; onConfirmed: (codes: string[]) => void }) {
  const confirm = useMutation<RecoveryCodes, ApiError, string>({
    mutationFn: (code) => api<RecoveryCodes>("/api/auth/two-factor/confirm/", { method: "POST", json: { code } }),
    onSuccess: (answer) => onConfirmed(answer.recovery_codes),
  });
  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    confirm.mutate(String(new FormData(e.currentTarget).get("code") ?? ""));
  }
  return (
    <form onSubmit={submit}>
      <Stack>
        <Text size="sm">1. Scan this QR code with your authenticator app (such as Google Authenticator, Authy or 1Password).</Text>
        <Image src={setup.qr_svg} alt="QR code to add Slate to your authenticator app" w={200} h={200} fit="contain" data-testid="two-factor-qr" />
        <Text size="sm">Or type this key into the app by hand:</Text>
        <Code block data-testid="two-factor-secret">{setup.secret}</Code>
        <Text size="sm">2. Enter the 6-digit code the app shows for Slate.</Text>
        {confirm.error && !confirm.error.fields.code && <Alert color="red">{confirm.error.message}</Alert>}
        <TextInput name="code" label="Code from the app" inputMode="numeric" autoComplete="one-time-code" required maxLength={10}
          error={confirm.error?.fields.code} data-testid="two-factor-code" />
        <Group>
          <Button type="submit" loading={confirm.isPending} data-testid="two-factor-confirm">Turn on</Button>
          <Button variant="default" onClick={onCancel}>Cancel</Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The recovery codes, this once: copy them or download them as a text file, then say they are kept. */
function ShowRecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const text = `Slate recovery codes (each works once in place of the app's code):\n\n${codes.join("\n")}\n`;
  const download = `data:text/plain;charset=utf-8,${encodeURIComponent(text)}`;
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      toasts.show({ color: "green", message: "Recovery codes copied." });
    } catch {
      toasts.show({ color: "red", message: "This browser did not allow copying: download them or write them down." });
    }
  }
  return (
    <Stack data-testid="recovery-codes">
      <Alert color="yellow" title="Save your recovery codes now">
        Each code signs you in once if you lose your phone. They are shown only this once: keep them somewhere safe.
      </Alert>
      <List spacing={4} listStyleType="none" ff="monospace" aria-label="Recovery codes">
        {codes.map((code) => <List.Item key={code}>{code}</List.Item>)}
      </List>
      <Group>
        <Button variant="default" onClick={() => void copy()}>Copy</Button>
        <Button component="a" variant="default" href={download} download="slate-recovery-codes.txt">Download</Button>
        <Button onClick={onDone} data-testid="recovery-codes-done">I have saved them</Button>
      </Group>
    </Stack>
  );
}

function Enabled({ left, onChanged }: { left: number; onChanged: (codes: string[] | null) => void }) {
  const disable = useMutation<Status, ApiError, { password: string; code: string }>({
    mutationFn: (json) => api<Status>("/api/auth/two-factor/disable/", { method: "POST", json }),
    onSuccess: () => {
      toasts.show({ color: "green", message: "Two-factor authentication is off." });
      onChanged(null);
    },
  });
  const regenerate = useMutation<RecoveryCodes, ApiError, { password: string }>({
    mutationFn: (json) => api<RecoveryCodes>("/api/auth/two-factor/recovery-codes/", { method: "POST", json }),
    onSuccess: (answer) => onChanged(answer.recovery_codes),
  });
  function submitDisable(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    disable.mutate({ password: String(data.get("password") ?? ""), code: String(data.get("code") ?? "") });
  }
  function submitRegenerate(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    regenerate.mutate({ password: String(new FormData(e.currentTarget).get("password") ?? "") });
  }
  const offFields = disable.error?.fields ?? {};
  return (
    <Stack>
      <Text size="sm" data-testid="two-factor-status">
        Two-factor authentication is on. {left} recovery code{left === 1 ? "" : "s"} left.
      </Text>
      <form onSubmit={submitRegenerate} aria-labelledby="two-factor-new-codes-title">
        <Stack gap="xs">
          <Title order={3} size="h5" id="two-factor-new-codes-title">New recovery codes</Title>
          <Text size="sm">Your unused codes stop working.</Text>
          {regenerate.error && !regenerate.error.fields.password && <Alert color="red">{regenerate.error.message}</Alert>}
          <PasswordInput name="password" label="Current password" autoComplete="current-password" required
            error={regenerate.error?.fields.password} />
          <Button type="submit" variant="default" loading={regenerate.isPending} style={{ alignSelf: "flex-start" }}>Make new recovery codes</Button>
        </Stack>
      </form>
      <form onSubmit={submitDisable} aria-labelledby="two-factor-off-title">
        <Stack gap="xs">
          <Title order={3} size="h5" id="two-factor-off-title">Turn off</Title>
          {disable.error && !offFields.password && !offFields.code && <Alert color="red">{disable.error.message}</Alert>}
          <PasswordInput name="password" label="Current password" autoComplete="current-password" required error={offFields.password} />
          <TextInput name="code" label="Authentication code or recovery code" autoComplete="one-time-code" required maxLength={32}
            error={offFields.code} />
          <Button type="submit" color="red" variant="outline" loading={disable.isPending} style={{ alignSelf: "flex-start" }}>
            Turn off two-factor authentication
          </Button>
        </Stack>
      </form>
    </Stack>
  );
}
