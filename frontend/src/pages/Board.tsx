// The scene board: one column per scene status; drag a card (or use its menu) to change the status.
import {
  DndContext, DragOverlay, KeyboardSensor, TouchSensor, pointerWithin, rectIntersection, useDraggable, useDroppable,
  useSensor, useSensors, type Announcements, type CollisionDetection, type DragEndEvent, type DragStartEvent, type KeyboardCoordinateGetter,
  type ScreenReaderInstructions,
} from "@dnd-kit/core";
import {
  ActionIcon, Alert, Anchor, Badge, Box, Button, Card, Center, Chip, Group, Loader, NativeSelect, Paper, Stack, Text, TextInput, Title,
} from "@mantine/core";
import { useMergedRef } from "@mantine/hooks";
import { IconDotsVertical, IconSearch, IconX } from "@tabler/icons-react";
import { memo, useCallback, useDeferredValue, useLayoutEffect, useMemo, useRef, useState, type CSSProperties, type ReactNode } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { useScenes } from "../api/hooks";
import { keys } from "../api/keys";
import { SCENE_STATUSES, type Id, type Scene, type SceneStatus } from "../api/types";
import { eighths, statusColor, statusLabel } from "../format";
import { useProductionId } from "../hooks/useProductionId";
import type { Shown } from "../offline/overlay";
import { PendingBadge } from "../offline/PendingBadge";
import { useShown } from "../offline/runtime";
import { DragHandle, GripMark } from "../dnd/DragHandle";
import { MouseAndPenSensor, splitListeners, startedByKeyboard } from "../dnd/sensors";
import { useFocusRequest, useTakeFocus, type FocusRequest } from "../dnd/useFocusRequest";
import { distinctValues, filterScenes, groupByStatus, hasFilters, intExtOptions, parseFilters, writeFilters, type BoardFilters } from "./scene/filters";
import { useSceneSave } from "./scene/useSceneSave";
import { PageTitle } from "../components/PageFrame";
import { useAfterPaint } from "../lazy";
import { scrollRegionProps, useOverflows } from "../components/ScrollRegion";
import { MenuOnDemand } from "../components/menus/MenuOnDemand";

const COLUMN_WIDTH = 240;

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

const instructions: ScreenReaderInstructions = {
  draggable: "Press space or enter to pick the scene up; arrow left and right move it between columns; space drops it, escape cancels.",
};

/** Which control of a card should take focus once the card shows in `status` (after a move from its menu or by keyboard). */
const focusKey = (target: "menu" | "handle", scene: Id, status: SceneStatus) => `${target}:${scene}@${status}`;

/** The sensors' options (dnd-kit): a drag starts after 6 px with a mouse or pen, after a 150 ms hold on a touch screen. */
const MOUSE_AND_PEN = { activationConstraint: { distance: 6 } };
const TOUCH = { activationConstraint: { delay: 150, tolerance: 5 } };
const KEYBOARD = { coordinateGetter: columnCoordinates };

/** /productions/:id/board — filters live in the query string (?loc=&ie=&tod=&q=) so a link can be shared. */
export function Board() {
  const productionId = useProductionId();
  const scenes = useScenes(productionId);
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => parseFilters(params), [params]);
  const saver = useSceneSave();
  const [dragging, setDragging] = useState<Scene | null>(null);
  const focus = useFocusRequest();
  // With no card shown (none yet, or none that the filters let through), nothing in the columns takes focus: they do.
  const [columnsRef, overflows] = useOverflows<HTMLDivElement>();

  // dnd-kit keeps the sensors while their options are the same objects: new ones each render would give every card a
  // new drag context, and every card would render again with each render of the board.
  const sensors = useSensors(
    useSensor(MouseAndPenSensor, MOUSE_AND_PEN),
    useSensor(TouchSensor, TOUCH),
    useSensor(KeyboardSensor, KEYBOARD),
  );

  // The cards render in a transition (React time-slices it: a tablet's main thread is never held for the whole
  // board), after the board's title has painted (useAfterPaint); docs/performance.md.
  const painted = useAfterPaint();
  const deferred = useDeferredValue(scenes.data ?? null, null) ?? undefined;
  const data = painted ? deferred : undefined;
  // The server's scenes with this tablet's waiting changes on them (a status moved offline shows in its new column).
  const shown = useShown("scene", keys.scenes(productionId), data);
  const all = useMemo(() => shown ?? [], [shown]);
  const visible = useMemo(() => filterScenes(all, filters), [all, filters]);
  const columns = useMemo(() => groupByStatus(visible, SCENE_STATUSES), [visible]);
  const byId = useMemo(() => new Map(all.map((s) => [String(s.id), s])), [all]);

  const setFilter = (name: keyof BoardFilters, value: string | null) =>
    setParams((old) => writeFilters(old, { ...parseFilters(old), [name]: value ?? "" }), { replace: true });

  /** Change the scene's status; `refocus`: the control of the card to focus once it shows in its new column. */
  function move(scene: Scene, status: SceneStatus, refocus?: "menu" | "handle") {
    if (scene.status === status || saver.saving.has(scene.id)) return;
    if (refocus) focus.request(focusKey(refocus, scene.id, status));
    void saver.save(scene, { status }).then((kept) => { if (!kept && refocus) focus.request(focusKey(refocus, scene.id, scene.status)); });
  }

  // The cards' menu moves through one callback for the board's life (the cards are memoised; `move` is new each render).
  const latestMove = useRef(move);
  useLayoutEffect(() => { latestMove.current = move; });
  const moveFromMenu = useCallback((scene: Scene, to: SceneStatus) => latestMove.current(scene, to, "menu"), []);

  function onDragStart(event: DragStartEvent) {
    setDragging(byId.get(String(event.active.id)) ?? null);
  }
  function onDragEnd(event: DragEndEvent) {
    setDragging(null);
    const scene = byId.get(String(event.active.id));
    const status = event.over?.id as SceneStatus | undefined;
    if (scene && status && SCENE_STATUSES.includes(status)) move(scene, status, startedByKeyboard(event.activatorEvent) ? "handle" : undefined);
  }

  const announcements: Announcements = {
    onDragStart: ({ active }) => `Picked up scene ${byId.get(String(active.id))?.number ?? ""}. Arrow left and right move it between columns; space drops it, escape cancels.`,
    onDragOver: ({ active, over }) => over ? `Scene ${byId.get(String(active.id))?.number ?? ""} is over ${statusLabel[String(over.id)] ?? over.id}.` : "Not over a column.",
    onDragEnd: ({ active, over }) => over ? `Scene ${byId.get(String(active.id))?.number ?? ""} moved to ${statusLabel[String(over.id)] ?? over.id}.` : "Dropped outside the board; nothing changed.",
    onDragCancel: ({ active }) => `Moving scene ${byId.get(String(active.id))?.number ?? ""} was cancelled.`,
  };

  const title = <PageTitle>Scene board</PageTitle>;
  if (scenes.error && !deferred) return <Stack gap="sm">{title}<Alert color="red" title="The scenes could not be loaded">{scenes.error.message}</Alert></Stack>;
  if (!data) {
    return (
      <Stack gap="sm">
        {title}
        <Center h={200} role="status"><Loader aria-label="Loading the scenes" /></Center>
      </Stack>
    );
  }

  return (
    <Stack gap="sm" data-testid="board">
      <Group justify="space-between" align="baseline">
        {title}
        <Text size="sm" c="dimmed" data-testid="board-count">
          {hasFilters(filters) ? `${visible.length} of ${all.length} scenes` : `${all.length} scenes`} · {eighths(visible.reduce((n, s) => n + s.page_eighths, 0))} pages
        </Text>
      </Group>
      <FilterBar scenes={all} filters={filters} setFilter={setFilter} clear={() => setParams((old) => writeFilters(old, { location: "", intExt: "", timeOfDay: "", q: "" }), { replace: true })} />
      {all.length === 0 && <Text c="dimmed">No scenes yet. Import a screenplay to fill the board.</Text>}
      <DndContext sensors={sensors} collisionDetection={collision} onDragStart={onDragStart} onDragEnd={onDragEnd}
        onDragCancel={() => setDragging(null)} accessibility={{ announcements, screenReaderInstructions: instructions }}>
        <div ref={columnsRef} data-testid="board-columns" {...scrollRegionProps(overflows && visible.length === 0, "Board columns")}
          style={{ overflowX: "auto", overflowY: "hidden", overscrollBehaviorX: "contain" }}>
          <Group align="flex-start" wrap="nowrap" gap="sm" pb="sm">
            {SCENE_STATUSES.map((status) => (
              <Column key={status} status={status} scenes={columns[status]} saving={saver.saving} onMove={moveFromMenu} focus={focus} />
            ))}
          </Group>
        </div>
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
      <NativeSelect aria-label="Location" data={[{ value: "", label: "Any location" }, ...locations]} value={filters.location}
        onChange={(e) => setFilter("location", e.currentTarget.value)} data-testid="filter-location" w={{ base: "calc(50% - 6px)", xs: 220 }} />
      <NativeSelect aria-label="Day or night" data={[{ value: "", label: "Day / night" }, ...times]} value={filters.timeOfDay}
        onChange={(e) => setFilter("timeOfDay", e.currentTarget.value)} data-testid="filter-time-of-day" w={{ base: "calc(50% - 6px)", xs: 160 }} />
      <Chip.Group value={filters.intExt} onChange={(v) => setFilter("intExt", v)}>
        <Group gap={6} role="radiogroup" aria-label="INT or EXT" data-testid="filter-int-ext">
          {[{ value: "", label: "All" }, ...intExt.map((v) => ({ value: v, label: v }))].map((option) => (
            <Chip key={option.value || "all"} value={option.value} type="radio" size="sm" variant="light">{option.label}</Chip>
          ))}
        </Group>
      </Chip.Group>
      {hasFilters(filters) && <Button variant="subtle" onClick={clear} data-testid="filter-clear">Clear filters</Button>}
    </Group>
  );
}

/** A status's column. Memoised: its scenes, the saving set and the callbacks keep their identity until they change. */
const Column = memo(function Column({ status, scenes, saving, onMove, focus }: {
  status: SceneStatus; scenes: Scene[]; saving: ReadonlySet<Id>; onMove: (scene: Scene, status: SceneStatus) => void; focus: FocusRequest;
}) {
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
          <Title order={2} fw={700} fz="sm" lh={1.55}>{statusLabel[status]}</Title>
        </Group>
        <Text size="xs" c="dimmed" data-testid="column-count">{scenes.length} · {eighths(scenes.reduce((n, s) => n + s.page_eighths, 0))} pg</Text>
      </Group>
      <Stack gap="xs">
        {scenes.map((scene) => <DraggableCard key={scene.id} scene={scene} saving={saving.has(scene.id)} onMove={onMove} focus={focus} />)}
        {scenes.length === 0 && <Text size="xs" c="dimmed" ta="center" py="lg">Drop a scene here</Text>}
      </Stack>
    </Paper>
  );
});

/**
 * A card on the board: picked up anywhere with the mouse, pen or a held finger; with the keyboard from its drag handle.
 * The card itself is no control: its handle, its link to the scene and its status menu are three. Memoised: rendered
 * again when its scene, its saving state or the focus request change, not with each render of the board (a change of
 * another scene, the outbox, the filters' input: each re-rendered every card).
 */
const DraggableCard = memo(function DraggableCard({ scene, saving, onMove, focus }: {
  scene: Scene; saving: boolean; onMove: (scene: Scene, status: SceneStatus) => void; focus: FocusRequest;
}) {
  const { setNodeRef, setActivatorNodeRef, attributes, listeners, isDragging } = useDraggable({
    id: scene.id, disabled: saving, attributes: { roleDescription: "drag handle" },
  });
  const { pointer, keyboard } = splitListeners(listeners);
  const handle = useRef<HTMLButtonElement>(null);
  const handleRef = useMergedRef(handle, setActivatorNodeRef);
  useTakeFocus(focus.wanted === focusKey("handle", scene.id, scene.status), handle, focus.done);
  return (
    <div ref={setNodeRef} {...pointer} data-testid="scene-card-drag"
      style={{ opacity: isDragging ? 0.35 : saving ? 0.7 : 1, touchAction: "manipulation", cursor: saving ? "progress" : "grab", borderRadius: "var(--mantine-radius-md)" }}>
      <CardBody scene={scene} onMove={onMove} saving={saving} focusMenu={focus.wanted === focusKey("menu", scene.id, scene.status)} onFocused={focus.done}
        handle={<DragHandle label={`Move scene ${scene.number}`} handleRef={handleRef} attributes={attributes} keyboard={keyboard} height={44} />} />
    </div>
  );
});

const noSelect: CSSProperties = { userSelect: "none", WebkitUserSelect: "none", WebkitTouchCallout: "none" };

function CardBody({ scene, onMove, saving, overlay, handle, focusMenu = false, onFocused }: {
  scene: Scene; onMove?: (scene: Scene, status: SceneStatus) => void; saving?: boolean; overlay?: boolean;
  /** The drag handle (left of the scene number); the overlay draws its grip only. */
  handle?: ReactNode;
  /** Focus the status menu's button once it can take it (the card moved from its menu), then `onFocused`. */
  focusMenu?: boolean; onFocused?: () => void;
}) {
  const productionId = useProductionId();
  const menuButton = useRef<HTMLButtonElement>(null);
  useTakeFocus(focusMenu, menuButton, onFocused ?? (() => undefined));
  // Mantine's focus placeholder (a div with a tabindex in role="menu") is an axe violation (aria-required-children,
  // critical): the menu goes without it, and the first item it can act on carries data-autofocus, which Mantine's focus
  // trap focuses when the menu opens (without either, focus stays on the ⋮ button and the arrow keys do nothing).
  const firstChoice = saving ? undefined : SCENE_STATUSES.find((s) => s !== scene.status);
  return (
    <Card withBorder padding="sm" radius="md" shadow={overlay ? "xl" : undefined} data-testid={overlay ? "scene-card-overlay" : "scene-card"}
      data-scene-id={scene.id} data-scene-number={scene.number} data-status={scene.status} data-saving={saving || undefined}
      style={{ ...noSelect, cursor: overlay ? "grabbing" : undefined, borderLeft: `4px solid var(--mantine-color-${statusColor[scene.status] ?? "gray"}-6)` }}>
      <Group justify="space-between" wrap="nowrap" align="flex-start" gap={4}>
        <Box style={{ margin: "-8px 0 0 -8px" }}>{handle ?? (overlay ? <GripMark /> : null)}</Box>
        <Anchor component={Link} to={`/productions/${productionId}/scenes/${scene.id}`} underline="hover" c="inherit" data-testid="scene-link"
          draggable={false} style={{ minWidth: 0, flex: 1 }}>
          <Group gap={8} wrap="nowrap" align="baseline">
            <Text fw={800} size="lg" data-testid="scene-number" style={{ flexShrink: 0 }}>{scene.number}</Text>
            <Text fw={600} size="sm" lineClamp={2} data-testid="scene-slugline">{scene.slugline || "—"}</Text>
          </Group>
        </Anchor>
        {onMove && (
          // Its own pointer events stay here: a tap on the menu is not the start of a drag.
          <div onPointerDown={(e) => e.stopPropagation()} onTouchStart={(e) => e.stopPropagation()} style={{ marginTop: -8, marginRight: -8 }}>
            <MenuOnDemand position="bottom-end" withinPortal withInitialFocusPlaceholder={false}
              button={
                <ActionIcon ref={menuButton} variant="subtle" color="gray" size={44} aria-label={`Status of scene ${scene.number}`} title="Change status"
                  data-testid="scene-status-menu">
                  <IconDotsVertical size={18} />
                </ActionIcon>
              }
              items={(M) => (
                <>
                  <M.Label>Move to</M.Label>
                  {SCENE_STATUSES.map((status) => (
                    <M.Item key={status} disabled={status === scene.status || saving} onClick={() => onMove(scene, status)} data-testid={`status-option-${status}`}
                      data-autofocus={status === firstChoice || undefined}
                      leftSection={<Box w={10} h={10} style={{ borderRadius: 5, background: `var(--mantine-color-${statusColor[status]}-6)` }} />}
                      style={{ minHeight: 44 }}>
                      {statusLabel[status]}
                    </M.Item>
                  ))}
                </>
              )} />
          </div>
        )}
      </Group>
      {scene.synopsis && <Text size="xs" c="dimmed" lineClamp={2} mt={4}>{scene.synopsis}</Text>}
      <Group gap={6} mt={6}>
        {!overlay && <PendingBadge mark={(scene as Shown<Scene>)._outbox} />}
        <Badge variant="light" color="gray" size="sm" data-testid="scene-eighths">{eighths(scene.page_eighths)} pg</Badge>
        {scene.time_of_day && <Badge variant="outline" color="gray" size="sm">{scene.time_of_day}</Badge>}
        {scene.needs_review && (
          <Badge color="yellow" variant="filled" size="sm" data-testid="review-badge" title={scene.review_reason || "Changed by a new screenplay version"}>review</Badge>
        )}
      </Group>
    </Card>
  );
}
