// The scene board: one column per scene status; drag a card (or use its menu) to change the status.
import {
  DndContext, DragOverlay, KeyboardSensor, PointerSensor, TouchSensor, pointerWithin, rectIntersection, useDraggable, useDroppable,
  useSensor, useSensors, type Announcements, type CollisionDetection, type DragEndEvent, type DragStartEvent, type KeyboardCoordinateGetter, type PointerSensorOptions,
} from "@dnd-kit/core";
import {
  ActionIcon, Alert, Anchor, Badge, Box, Button, Card, Center, Group, Loader, Menu, Paper, ScrollArea, SegmentedControl, Select, Stack, Text,
  TextInput, Title, Tooltip,
} from "@mantine/core";
import { IconDotsVertical, IconSearch, IconX } from "@tabler/icons-react";
import { useMemo, useState, type CSSProperties, type PointerEvent as ReactPointerEvent } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { useScenes } from "../api/hooks";
import { keys } from "../api/keys";
import { SCENE_STATUSES, type Id, type Scene, type SceneStatus } from "../api/types";
import { eighths, statusColor, statusLabel } from "../format";
import { useProductionId } from "../hooks/useProductionId";
import type { Shown } from "../offline/overlay";
import { PendingBadge } from "../offline/PendingBadge";
import { useShown } from "../offline/runtime";
import { distinctValues, filterScenes, groupByStatus, hasFilters, intExtOptions, parseFilters, writeFilters, type BoardFilters } from "./scene/filters";
import { useSceneSave } from "./scene/useSceneSave";

const COLUMN_WIDTH = 240;

/**
 * PointerSensor for mouse and pen only: touch pointers are left to the TouchSensor (press-and-hold), so a finger
 * can still scroll the board. Otherwise the PointerSensor claims the touch first and the browser cancels it
 * (`pointercancel`) as soon as the finger pans.
 */
class MouseAndPenSensor extends PointerSensor {
  static activators = PointerSensor.activators.map((activator) => ({
    ...activator,
    handler: (event: ReactPointerEvent, options: PointerSensorOptions) => event.nativeEvent.pointerType !== "touch" && activator.handler(event, options),
  }));
}

/** Pointer inside a column wins; keyboard drags (no pointer) use the overlap of the card with the columns. */
const collision: CollisionDetection = (args) => {
  const within = pointerWithin(args);
  return within.length ? within : rectIntersection(args);
};

/** Arrow keys move a keyboard-dragged card to the next/previous column (not 25 px at a time). */
const columnCoordinates: KeyboardCoordinateGetter = (event, { currentCoordinates, context }) => {
  const { collisionRect, droppableRects } = context;
  if (!collisionRect || (event.code !== "ArrowRight" && event.code !== "ArrowLeft")) return undefined;
  event.preventDefault();
  const columns = SCENE_STATUSES.map((s) => droppableRects.get(s)).filter((r): r is NonNullable<typeof r> => Boolean(r));
  const centre = collisionRect.left + collisionRect.width / 2;
  let index = columns.findIndex((r) => centre >= r.left && centre <= r.right);
  if (index === -1) index = columns.reduce((best, r, i) => (Math.abs(r.left - centre) < Math.abs((columns[best]?.left ?? Infinity) - centre) ? i : best), 0);
  const target = columns[index + (event.code === "ArrowRight" ? 1 : -1)];
  if (!target) return undefined;
  return {
    x: currentCoordinates.x + (target.left + (target.width - collisionRect.width) / 2 - collisionRect.left),
    y: currentCoordinates.y + (target.top + 48 - collisionRect.top),
  };
};

/** /productions/:id/board — filters live in the query string (?loc=&ie=&tod=&q=) so a link can be shared. */
export function Board() {
  const productionId = useProductionId();
  const scenes = useScenes(productionId);
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => parseFilters(params), [params]);
  const saver = useSceneSave();
  const [dragging, setDragging] = useState<Scene | null>(null);

  const sensors = useSensors(
    useSensor(MouseAndPenSensor, { activationConstraint: { distance: 6 } }),
    useSensor(TouchSensor, { activationConstraint: { delay: 150, tolerance: 5 } }),
    useSensor(KeyboardSensor, { coordinateGetter: columnCoordinates }),
  );

  // The server's scenes with this tablet's waiting changes on them (a status moved offline shows in its new column).
  const shown = useShown("scene", keys.scenes(productionId), scenes.data);
  const all = useMemo(() => shown ?? [], [shown]);
  const visible = useMemo(() => filterScenes(all, filters), [all, filters]);
  const columns = useMemo(() => groupByStatus(visible, SCENE_STATUSES), [visible]);
  const byId = useMemo(() => new Map(all.map((s) => [String(s.id), s])), [all]);

  const setFilter = (name: keyof BoardFilters, value: string | null) =>
    setParams((old) => writeFilters(old, { ...parseFilters(old), [name]: value ?? "" }), { replace: true });

  function move(scene: Scene, status: SceneStatus) {
    if (scene.status === status || saver.saving.has(scene.id)) return;
    void saver.save(scene, { status });
  }

  function onDragStart(event: DragStartEvent) {
    setDragging(byId.get(String(event.active.id)) ?? null);
  }
  function onDragEnd(event: DragEndEvent) {
    setDragging(null);
    const scene = byId.get(String(event.active.id));
    const status = event.over?.id as SceneStatus | undefined;
    if (scene && status && SCENE_STATUSES.includes(status)) move(scene, status);
  }

  const announcements: Announcements = {
    onDragStart: ({ active }) => `Picked up scene ${byId.get(String(active.id))?.number ?? ""}. Arrow left and right move it between columns; space drops it, escape cancels.`,
    onDragOver: ({ active, over }) => over ? `Scene ${byId.get(String(active.id))?.number ?? ""} is over ${statusLabel[String(over.id)] ?? over.id}.` : "Not over a column.",
    onDragEnd: ({ active, over }) => over ? `Scene ${byId.get(String(active.id))?.number ?? ""} moved to ${statusLabel[String(over.id)] ?? over.id}.` : "Dropped outside the board; nothing changed.",
    onDragCancel: ({ active }) => `Moving scene ${byId.get(String(active.id))?.number ?? ""} was cancelled.`,
  };

  if (scenes.isPending) return <Center h={200}><Loader /></Center>;
  if (scenes.error) return <Alert color="red" title="The scenes could not be loaded">{scenes.error.message}</Alert>;

  return (
    <Stack gap="sm" data-testid="board">
      <Group justify="space-between" align="baseline">
        <Title order={2}>Scene board</Title>
        <Text size="sm" c="dimmed" data-testid="board-count">
          {hasFilters(filters) ? `${visible.length} of ${all.length} scenes` : `${all.length} scenes`} · {eighths(visible.reduce((n, s) => n + s.page_eighths, 0))} pages
        </Text>
      </Group>
      <FilterBar scenes={all} filters={filters} setFilter={setFilter} clear={() => setParams((old) => writeFilters(old, { location: "", intExt: "", timeOfDay: "", q: "" }), { replace: true })} />
      {all.length === 0 && <Text c="dimmed">No scenes yet. Import a screenplay to fill the board.</Text>}
      <DndContext sensors={sensors} collisionDetection={collision} onDragStart={onDragStart} onDragEnd={onDragEnd}
        onDragCancel={() => setDragging(null)} accessibility={{ announcements }}>
        <ScrollArea type="auto" offsetScrollbars scrollbarSize={10} data-testid="board-columns">
          <Group align="flex-start" wrap="nowrap" gap="sm" pb="sm">
            {SCENE_STATUSES.map((status) => (
              <Column key={status} status={status} scenes={columns[status]} saving={saver.saving} onMove={move} />
            ))}
          </Group>
        </ScrollArea>
        <DragOverlay dropAnimation={null}>
          {dragging ? <CardBody scene={dragging} overlay /> : null}
        </DragOverlay>
      </DndContext>
      {saver.dialog}
    </Stack>
  );
}

function FilterBar({ scenes, filters, setFilter, clear }: {
  scenes: Scene[]; filters: BoardFilters; setFilter: (name: keyof BoardFilters, value: string | null) => void; clear: () => void;
}) {
  const locations = distinctValues(scenes, "location", filters.location);
  const times = distinctValues(scenes, "time_of_day", filters.timeOfDay);
  const intExt = intExtOptions(scenes, filters.intExt);
  return (
    <Group gap="sm" align="flex-end" wrap="wrap" data-testid="board-filters">
      <TextInput aria-label="Search scenes" placeholder="Scene, location, synopsis…" leftSection={<IconSearch size={16} />}
        value={filters.q} onChange={(e) => setFilter("q", e.currentTarget.value)} data-testid="board-search" w={{ base: "100%", sm: 240 }}
        rightSection={filters.q ? <ActionIcon size={28} variant="subtle" aria-label="Clear search" onClick={() => setFilter("q", "")}><IconX size={14} /></ActionIcon> : null} />
      <Select aria-label="Location" placeholder="Any location" data={locations} value={filters.location || null} searchable clearable
        onChange={(v) => setFilter("location", v)} data-testid="filter-location" w={{ base: "calc(50% - 6px)", xs: 220 }} comboboxProps={{ withinPortal: true }} />
      <Select aria-label="Day or night" placeholder="Day / night" data={times} value={filters.timeOfDay || null} clearable
        onChange={(v) => setFilter("timeOfDay", v)} data-testid="filter-time-of-day" w={{ base: "calc(50% - 6px)", xs: 160 }} />
      <SegmentedControl aria-label="INT or EXT" data={[{ value: "", label: "All" }, ...intExt.map((v) => ({ value: v, label: v }))]}
        value={filters.intExt} onChange={(v) => setFilter("intExt", v)} data-testid="filter-int-ext" />
      {hasFilters(filters) && <Button variant="subtle" onClick={clear} data-testid="filter-clear">Clear filters</Button>}
    </Group>
  );
}

function Column({ status, scenes, saving, onMove }: { status: SceneStatus; scenes: Scene[]; saving: ReadonlySet<Id>; onMove: (scene: Scene, status: SceneStatus) => void }) {
  const { setNodeRef, isOver } = useDroppable({ id: status });
  const color = statusColor[status] ?? "gray";
  return (
    <Paper ref={setNodeRef} withBorder p="xs" radius="md" data-testid={`board-column-${status}`} data-status={status} data-over={isOver || undefined}
      style={{
        flex: `1 0 ${COLUMN_WIDTH}px`, minWidth: COLUMN_WIDTH, minHeight: 240,
        borderColor: isOver ? `var(--mantine-color-${color}-5)` : undefined,
        background: isOver ? `var(--mantine-color-${color}-light)` : "var(--mantine-color-default-hover)",
        transition: "background 120ms, border-color 120ms",
      }}>
      <Group justify="space-between" mb="xs" px={4} wrap="nowrap">
        <Group gap={6} wrap="nowrap">
          <Box w={10} h={10} style={{ borderRadius: 5, background: `var(--mantine-color-${color}-6)` }} />
          <Text fw={700} size="sm">{statusLabel[status]}</Text>
        </Group>
        <Text size="xs" c="dimmed" data-testid="column-count">{scenes.length} · {eighths(scenes.reduce((n, s) => n + s.page_eighths, 0))} pg</Text>
      </Group>
      <Stack gap="xs">
        {scenes.map((scene) => <DraggableCard key={scene.id} scene={scene} saving={saving.has(scene.id)} onMove={onMove} />)}
        {scenes.length === 0 && <Text size="xs" c="dimmed" ta="center" py="lg">Drop a scene here</Text>}
      </Stack>
    </Paper>
  );
}

function DraggableCard({ scene, saving, onMove }: { scene: Scene; saving: boolean; onMove: (scene: Scene, status: SceneStatus) => void }) {
  const { setNodeRef, setActivatorNodeRef, attributes, listeners, isDragging } = useDraggable({ id: scene.id, disabled: saving });
  const ref = (node: HTMLDivElement | null) => { setNodeRef(node); setActivatorNodeRef(node); };
  return (
    <div ref={ref} {...attributes} {...listeners} aria-roledescription="scene card" aria-label={`Scene ${scene.number}, ${scene.slugline}. Press space to move it.`}
      style={{ opacity: isDragging ? 0.35 : saving ? 0.7 : 1, touchAction: "manipulation", cursor: saving ? "progress" : "grab", borderRadius: "var(--mantine-radius-md)" }}>
      <CardBody scene={scene} onMove={onMove} saving={saving} />
    </div>
  );
}

const noSelect: CSSProperties = { userSelect: "none", WebkitUserSelect: "none", WebkitTouchCallout: "none" };

function CardBody({ scene, onMove, saving, overlay }: { scene: Scene; onMove?: (scene: Scene, status: SceneStatus) => void; saving?: boolean; overlay?: boolean }) {
  const productionId = useProductionId();
  return (
    <Card withBorder padding="sm" radius="md" shadow={overlay ? "xl" : undefined} data-testid={overlay ? "scene-card-overlay" : "scene-card"}
      data-scene-id={scene.id} data-scene-number={scene.number} data-status={scene.status} data-saving={saving || undefined}
      style={{ ...noSelect, cursor: overlay ? "grabbing" : undefined, borderLeft: `4px solid var(--mantine-color-${statusColor[scene.status] ?? "gray"}-6)` }}>
      <Group justify="space-between" wrap="nowrap" align="flex-start" gap={4}>
        <Anchor component={Link} to={`/productions/${productionId}/scenes/${scene.id}`} underline="hover" c="inherit" data-testid="scene-link"
          draggable={false} style={{ minWidth: 0, flex: 1 }}>
          <Group gap={8} wrap="nowrap" align="baseline">
            <Text fw={800} size="lg" data-testid="scene-number" style={{ flexShrink: 0 }}>{scene.number}</Text>
            <Text fw={600} size="sm" lineClamp={2} data-testid="scene-slugline">{scene.slugline || "—"}</Text>
          </Group>
        </Anchor>
        {onMove && (
          // Its own events stay here: a tap on the menu is not the start of a drag.
          <div onPointerDown={(e) => e.stopPropagation()} onKeyDown={(e) => e.stopPropagation()} style={{ marginTop: -8, marginRight: -8 }}>
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <Tooltip label="Change status" openDelay={400}>
                  <ActionIcon variant="subtle" color="gray" size={44} aria-label={`Status of scene ${scene.number}`} data-testid="scene-status-menu" disabled={saving}>
                    <IconDotsVertical size={18} />
                  </ActionIcon>
                </Tooltip>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Label>Move to</Menu.Label>
                {SCENE_STATUSES.map((status) => (
                  <Menu.Item key={status} disabled={status === scene.status} onClick={() => onMove(scene, status)} data-testid={`status-option-${status}`}
                    leftSection={<Box w={10} h={10} style={{ borderRadius: 5, background: `var(--mantine-color-${statusColor[status]}-6)` }} />}
                    style={{ minHeight: 44 }}>
                    {statusLabel[status]}
                  </Menu.Item>
                ))}
              </Menu.Dropdown>
            </Menu>
          </div>
        )}
      </Group>
      {scene.synopsis && <Text size="xs" c="dimmed" lineClamp={2} mt={4}>{scene.synopsis}</Text>}
      <Group gap={6} mt={6}>
        {!overlay && <PendingBadge mark={(scene as Shown<Scene>)._outbox} />}
        <Badge variant="light" color="gray" size="sm" data-testid="scene-eighths">{eighths(scene.page_eighths)} pg</Badge>
        {scene.time_of_day && <Badge variant="outline" color="gray" size="sm">{scene.time_of_day}</Badge>}
        {scene.needs_review && (
          <Tooltip label={scene.review_reason || "Changed by a new screenplay version"} openDelay={300}>
            <Badge color="yellow" variant="filled" size="sm" data-testid="review-badge">review</Badge>
          </Tooltip>
        )}
      </Group>
    </Card>
  );
}
