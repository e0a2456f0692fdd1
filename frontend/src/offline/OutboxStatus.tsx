// The outbox in the production header: runs it (useOutboxRuntime), shows "4 changes waiting" when something waits
// (in red when something needs the person), opens the panel, and asks about each new conflict as it comes.
import { Button } from "@mantine/core";
import { IconCloudUpload } from "@tabler/icons-react";
import { useEffect, useState } from "react";
import { ConflictChoice } from "./ConflictChoice";
import { OutboxPanel } from "./OutboxPanel";
import { useOutbox, useOutboxRuntime } from "./runtime";
import { setOutboxPanel, waitingText } from "./status";

export function OutboxStatus() {
  useOutboxRuntime();
  const { items, box } = useOutbox();
  const [choosing, setChoosing] = useState<string | null>(null);
  const [asked, setAsked] = useState<ReadonlySet<string>>(new Set());
  const stopped = items.filter((i) => i.state === "failed" || i.state === "conflict").length;
  // A conflict not asked about yet in this visit opens the choice at once (as a 409 on a direct save does).
  const nextConflict = items.find((i) => i.state === "conflict" && !asked.has(i.id));
  useEffect(() => {
    if (choosing === null && nextConflict) {
      setAsked((old) => new Set(old).add(nextConflict.id));
      setChoosing(nextConflict.id);
    }
  }, [choosing, nextConflict]);
  const current = items.find((i) => i.id === choosing && i.state === "conflict") ?? null;
  return (
    <>
      {items.length > 0 && (
        <Button size="compact-md" h={44} variant={stopped ? "filled" : "light"} color={stopped ? "red" : "gray"} leftSection={<IconCloudUpload size={18} aria-hidden />}
          onClick={() => setOutboxPanel(true)} data-testid="outbox-button" data-count={items.length} data-stopped={stopped}
          aria-label={`${waitingText(items.length)}${stopped ? `, ${stopped} need${stopped === 1 ? "s" : ""} you` : ""}: open the outbox`}>
          {waitingText(items.length)}
        </Button>
      )}
      <OutboxPanel onChoose={(item) => { setOutboxPanel(false); setChoosing(item.id); }} />
      <ConflictChoice item={current} box={box} onClose={() => setChoosing(null)} />
    </>
  );
}
