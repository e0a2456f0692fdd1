import { Badge, Tooltip } from "@mantine/core";
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
    <Tooltip label={HELP[status]}>
      <Badge color={COLOR[status]} variant={status === "live" ? "filled" : "light"} data-testid="connection" data-status={status}>
        {status}
      </Badge>
    </Tooltip>
  );
}
