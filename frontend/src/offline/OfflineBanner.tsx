// The offline banner above every production screen: shown while the device is offline, Slate cannot be reached, or
// what is on screen is what the tablet saved (restored from the kept cache and not refreshed since); it says that
// changes are kept, and how many are waiting.
import { useEffect, useState } from "react";
import { Button, Group, Paper, Text } from "@mantine/core";
import { IconCloudOff } from "@tabler/icons-react";
import { useOutbox } from "./runtime";
import { useCachedSince } from "../pwa/restored";
import { useRealtime } from "../realtime/RealtimeProvider";
import { clockTime, setOutboxPanel, useBrowserOnline, waitingText } from "./status";

/**
 * How long a page opened online shows saved data without saying so, while its live stream connects (ms): the usual
 * start-up (kept data first, then the stream's catch-up) shows no banner that comes and goes and pushes the page down
 * (a layout shift: docs/performance.md, "Third pass"). Offline, or Slate unreachable, the banner shows at once.
 */
export const SAVED_DATA_GRACE_MS = 3000;

/** False for `ms` after the first render, then true. */
function useAfter(ms: number): boolean {
  const [over, setOver] = useState(false);
  useEffect(() => {
    const timer = window.setTimeout(() => setOver(true), ms);
    return () => window.clearTimeout(timer);
  }, [ms]);
  return over;
}

export function OfflineBanner() {
  const online = useBrowserOnline();
  // Restored from the kept cache (src/pwa/) and not refreshed since — while the live stream is not there to keep it current.
  const restored = useCachedSince();
  const { status } = useRealtime();
  const graceOver = useAfter(SAVED_DATA_GRACE_MS);
  const cachedSince = status === "live" || (online && !graceOver) ? null : restored;
  const { items, problem, retryAt } = useOutbox();
  const unreachable = online && problem !== null && retryAt !== null;
  if (online && !unreachable && cachedSince === null) return null;
  const headline = !online ? "You are offline." : unreachable ? "Slate cannot be reached." : "Showing saved data.";
  return (
    // role=status: announced politely when it appears; dark text on yellow is 10:1 (WCAG AA asks 4.5:1) in both themes.
    <Paper role="status" aria-live="polite" radius="md" p="sm" mb="md" bg="yellow.3" c="dark.9" data-testid="offline-banner"
      data-online={online} data-cached={cachedSince !== null}>
      <Group justify="space-between" wrap="wrap" gap="xs">
        <Group gap="sm" wrap="nowrap" align="flex-start">
          <IconCloudOff size={24} aria-hidden style={{ flexShrink: 0, marginTop: 2 }} />
          <div>
            <Text fw={700} c="dark.9">{headline}</Text>
            <Text size="sm" c="dark.9">
              {cachedSince !== null && `You are seeing what this tablet saved at ${clockTime(cachedSince)}. `}
              Changes you make are kept on this tablet and sent in order when the connection is back.
            </Text>
          </div>
        </Group>
        {items.length > 0 && (
          <Button variant="white" color="dark" onClick={() => setOutboxPanel(true)} data-testid="offline-banner-outbox">{waitingText(items.length)}</Button>
        )}
      </Group>
    </Paper>
  );
}
