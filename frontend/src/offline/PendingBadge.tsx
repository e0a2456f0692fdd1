// The mark on an object shown in a list while a change of it waits in the outbox ("Waiting to send", "Not saved",
// "Conflict"). Not a button: it sits inside cards that are themselves links or drag handles; the header's outbox
// button opens the panel where it can be fixed, chosen or discarded.
import { Badge, Image } from "@mantine/core";
import { useEffect, useMemo } from "react";
import type { PendingMark } from "./overlay";
import { STATE_COLOR, STATE_LABEL } from "./status";

export function PendingBadge({ mark }: { mark: PendingMark | undefined }) {
  if (!mark) return null;
  const label = mark.state === "waiting" ? "Waiting to send" : STATE_LABEL[mark.state];
  return <Badge color={STATE_COLOR[mark.state]} variant="light" data-testid="pending-badge" data-state={mark.state} style={{ flexShrink: 0 }}>{label}</Badge>;
}

/** A photo still on this device (a Blob in the outbox), shown from a object URL for as long as it is on screen. */
export function LocalPhoto({ blob, name, w, h }: { blob: Blob; name: string; w: number; h: number }) {
  const url = useMemo(() => URL.createObjectURL(blob), [blob]);
  useEffect(() => () => URL.revokeObjectURL(url), [url]);
  return <Image src={url} alt={`Photo ${name} (waiting to be sent)`} w={w} h={h} fit="cover" radius="sm" />;
}
