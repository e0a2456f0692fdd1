// "Push on this device": the browser's push subscription, turned on and off here, and a test push.
import { Alert, Button, Card, Group, Stack, Switch, Text, Title } from "@mantine/core";
import { IconSend } from "@tabler/icons-react";
import { useEffect, useState } from "react";
import { ApiError } from "../../api/client";
import { currentSubscription, PushSetupError, pushSupport, saveSubscription, sendTestPush, subscribePush, unsubscribePush } from "../../push/push";

type State = "checking" | "on" | "off";
type Message = { color: "red" | "yellow" | "green"; title: string; text: string };

function permission(): NotificationPermission | "unsupported" {
  return typeof Notification === "undefined" ? "unsupported" : Notification.permission;
}

const BLOCKED: Message = {
  color: "yellow", title: "Notifications are blocked for Slate in this browser",
  text: "Allow them in the site settings (the icon left of the address bar, or the browser's settings for this site), then turn push on again.",
};

function describe(error: unknown): Message {
  if (error instanceof PushSetupError) {
    if (error.code === "denied") return BLOCKED;
    if (error.code === "dismissed") return { color: "yellow", title: "Push was not turned on", text: "The browser asked whether Slate may show notifications and got no answer. Try again and choose Allow." };
    return { color: "yellow", title: "Push is not available here", text: error.message };
  }
  if (error instanceof ApiError) return { color: "red", title: "The server did not accept this device", text: error.message };
  const text = error instanceof Error ? error.message : String(error);
  // Chromium refuses push in incognito windows (and so in fresh automated profiles) with "permission denied" even when allowed.
  return { color: "red", title: "The browser could not set up push", text: `${text.replace(/\.?$/, ".")} Private (incognito) windows and some browsers have no push service.` };
}

export function PushOnThisDevice({ pushWanted }: { pushWanted: boolean }) {
  const support = pushSupport();
  const [state, setState] = useState<State>(support.supported ? "checking" : "off");
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<Message | null>(null);

  useEffect(() => {
    if (!support.supported) return;
    let cancelled = false;
    void (async () => {
      try {
        const subscription = await currentSubscription();
        const on = subscription !== null && permission() === "granted";
        // The server may have dropped it (expired, or removed from another device): send it again, it is idempotent.
        if (on && subscription) await saveSubscription(subscription).catch(() => {});
        if (!cancelled) setState(on ? "on" : "off");
      } catch {
        if (!cancelled) setState("off");
      }
    })();
    return () => { cancelled = true; };
  }, [support.supported]);

  async function toggle(on: boolean) {
    setBusy(true);
    setMessage(null);
    try {
      if (on) {
        await subscribePush();
        setState("on");
        setMessage({ color: "green", title: "Push is on for this device", text: "Send a test to see how notifications look here." });
      } else {
        await unsubscribePush();
        setState("off");
      }
    } catch (error) {
      setMessage(describe(error));
      setState((await currentSubscription().catch(() => null)) ? "on" : "off");
    } finally {
      setBusy(false);
    }
  }

  async function test() {
    setBusy(true);
    setMessage(null);
    try {
      await sendTestPush();
      setMessage({ color: "green", title: "Test sent", text: "It should arrive on every device where push is on within a few seconds." });
    } catch (error) {
      setMessage(describe(error));
    } finally {
      setBusy(false);
    }
  }

  const blocked = permission() === "denied";
  return (
    <Card withBorder data-testid="push-device" data-state={state}>
      <Title order={2} size="h4" mb={4}>Push on this device</Title>
      <Text size="sm" c="dimmed" mb="sm">
        Notifications on this phone, tablet or computer even when Slate is closed. Turn it on on each device you want them on.
      </Text>
      <Stack gap="sm">
        {!support.supported ? (
          <Alert color="yellow" title="Push is not available in this browser" data-testid="push-unsupported">{support.reason}</Alert>
        ) : (
          <>
            <Group justify="space-between" wrap="wrap">
              <Switch size="md" label="Push notifications on this device" checked={state === "on"} disabled={busy || state === "checking" || (blocked && state !== "on")}
                onChange={(e) => void toggle(e.currentTarget.checked)} data-testid="push-device-switch" />
              <Button variant="default" leftSection={<IconSend size={16} />} onClick={() => void test()} disabled={busy || state !== "on"} data-testid="push-test">
                Send test
              </Button>
            </Group>
            {blocked && state !== "on" && !message && <Alert color={BLOCKED.color} title={BLOCKED.title} data-testid="push-blocked">{BLOCKED.text}</Alert>}
            {state === "on" && !pushWanted && (
              <Text size="sm" c="yellow">Every kind of notification has push turned off above, so nothing will be pushed.</Text>
            )}
          </>
        )}
        {message && <Alert color={message.color} title={message.title} withCloseButton onClose={() => setMessage(null)} data-testid="push-message">{message.text}</Alert>}
      </Stack>
    </Card>
  );
}
