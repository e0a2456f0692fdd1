import { Badge } from "@mantine/core";
import { useRealtime } from "../realtime/RealtimeProvider";

const COLOR = { live: "green", reconnecting: "yellow", offline: "gray" } as const;
const HELP = {
  live: "Changes from the crew appear as they happen.",
  reconnecting: "Connection lost: reconnecting. Nothing you typed is lost.",
  offline: "Offline: changes will show when the connection is back.",
} as const;

/** live / reconnecting / offline, always visible in the header. */
export function ConnectionIndicator() {
  const { status } = useRealtime();
  return (
    // A native tooltip (title): Mantine's Tooltip is a floating-ui popup set up on every page's first render.
    <Badge color={COLOR[status]} variant={status === "live" ? "filled" : "light"} data-testid="connection" data-status={status} title={HELP[status]}>
      {status}
    </Badge>
  );
}
