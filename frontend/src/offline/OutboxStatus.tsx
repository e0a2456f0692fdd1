// The outbox in the production header: runs it (useOutboxRuntime), shows "4 changes waiting" when something waits
// (in red when something needs the person), opens the panel, and asks about each new conflict as it comes.
import { Button } from "@mantine/core";
import { IconCloudUpload } from "@tabler/icons-react";
import { Suspense, useEffect, useState } from "react";
import { lazyComponent, LoadBoundary, useOnceTrue } from "../lazy";
import { useOutbox, useOutboxRuntime } from "./runtime";
import { setOutboxPanel, useOutboxPanel, waitingText } from "./status";

// The panel and the conflict choice load the first time they are needed (they stay out of every page's first
// JavaScript: App.tsx, docs/performance.md), then stay mounted so they close with their transition.
const OutboxPanel = lazyComponent(() => import("./OutboxPanel"), (m) => m.OutboxPanel);
const ConflictChoice = lazyComponent(() => import("./ConflictChoice"), (m) => m.ConflictChoice);

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
  const panelNeeded = useOnceTrue(useOutboxPanel());
  const choiceNeeded = useOnceTrue(current !== null);
  return (
    <>
      {items.length > 0 && (
        <Button size="compact-md" h={44} variant={stopped ? "filled" : "light"} color={stopped ? "red" : "gray"} leftSection={<IconCloudUpload size={18} aria-hidden />}
          onClick={() => setOutboxPanel(true)} data-testid="outbox-button" data-count={items.length} data-stopped={stopped}
          aria-label={`${waitingText(items.length)}${stopped ? `, ${stopped} need${stopped === 1 ? "s" : ""} you` : ""}: open the outbox`}>
          {waitingText(items.length)}
        </Button>
      )}
      <LoadBoundary fallback={null}>
        <Suspense fallback={null}>
          {panelNeeded && <OutboxPanel onChoose={(item) => { setOutboxPanel(false); setChoosing(item.id); }} />}
          {choiceNeeded && <ConflictChoice item={current} box={box} onClose={() => setChoosing(null)} />}
        </Suspense>
      </LoadBoundary>
    </>
  );
}
