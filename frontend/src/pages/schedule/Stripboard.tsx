// The stripboard: shoot days in order, each a day break with its page total and its strips; the unscheduled pool beside.
import {
  DndContext, DragOverlay, KeyboardSensor, TouchSensor, closestCenter, pointerWithin, useDraggable, useDroppable, useSensor, useSensors,
  type Announcements, type CollisionDetection, type DragEndEvent, type DragStartEvent, type KeyboardCoordinateGetter, type ScreenReaderInstructions,
} from "@dnd-kit/core";
import { ActionIcon, Alert, Badge, Box, Button, Center, Grid, Group, Loader, Menu, Paper, Stack, Text, Title, Tooltip } from "@mantine/core";
import { useMergedRef } from "@mantine/hooks";
import { IconCalendarPlus, IconDotsVertical } from "@tabler/icons-react";
import { useMemo, useRef, useState, type CSSProperties, type ReactNode } from "react";
import { Link } from "react-router-dom";
import type { ShootDay, Strip } from "../../api/schedule";
import { useCastMembers, useCharacters, useProduction, useScenes } from "../../api/hooks";
import type { Id, Scene } from "../../api/types";
import { DragHandle } from "../../dnd/DragHandle";
import { MouseAndPenSensor, splitListeners, startedByKeyboard } from "../../dnd/sensors";
import { useFocusRequest, useTakeFocus, type FocusRequest } from "../../dnd/useFocusRequest";
import { eighths, pagesLabel } from "../../format";
import { useProductionId } from "../../hooks/useProductionId";
import { canSchedule, useShootDays, useStrips } from "./queries";
import { BannerDialog, DeleteDayDialog, ShootDayDialog } from "./ShootDayDialogs";
import {
  castIdsByScene, dayHeader, dayNight, dayTotals, dragId, dropId, focusKey, parseDragId, resolveDrop, sortDays, stripKey, stripTone, stripsByDay,
  toneLabel, toneStyle, unscheduledScenes, type Dragged,
} from "./strips";
import { useStripActions } from "./useStripActions";
import { PageTitle } from "../../components/PageFrame";
import { scrollRegionProps, useOverflows } from "../../components/ScrollRegion";

const instructions: ScreenReaderInstructions = {
  draggable: "Press space or enter to pick it up; the arrow keys move it between strips and days; space drops it, escape cancels.",
};

const rank = (id: string | number) => (String(id).startsWith("on-strip:") ? 0 : String(id).startsWith("day-") ? 1 : 2);
/** The pointer's innermost target (a strip before its day, a day before the pool); keyboard drags use the nearest centre. */
const collision: CollisionDetection = (args) => {
  const within = pointerWithin(args);
  if (within.length) return [...within].sort((a, b) => rank(a.id) - rank(b.id));
  return closestCenter(args);
};

/**
 * Arrow keys jump from drop target to drop target: up/down to the previous/next strip or day slot in the same column,
 * left/right between the days and the pool.
 */
const targetCoordinates: KeyboardCoordinateGetter = (event, { active, currentCoordinates, context }) => {
  const { collisionRect, droppableRects, droppableContainers } = context;
  const dir = ({ ArrowDown: "down", ArrowUp: "up", ArrowLeft: "left", ArrowRight: "right" } as const)[event.code as "ArrowDown"];
  if (!collisionRect || !dir) return undefined;
  event.preventDefault();
  const cx = collisionRect.left + collisionRect.width / 2;
  const cy = collisionRect.top + collisionRect.height / 2;
  const own = `on-strip:${String(active).split(":")[1] ?? ""}`;
  let best: { x: number; y: number; d: number } | null = null;
  for (const [id, rect] of droppableRects) {
    if (String(id) === own || droppableContainers.get(id)?.disabled) continue;
    const x = rect.left + rect.width / 2;
    const y = id === dropId.pool ? Math.max(rect.top + 40, Math.min(cy, rect.top + rect.height - 40)) : rect.top + rect.height / 2;
    let d: number;
    if (dir === "down" || dir === "up") {
      if (cx < rect.left || cx > rect.left + rect.width) continue;
      const dy = dir === "down" ? y - cy : cy - y;
      if (dy <= 2) continue;
      d = dy;
    } else {
      const dx = dir === "right" ? x - cx : cx - x;
      if (dx <= collisionRect.width / 4) continue;
      d = dx * dx + (y - cy) * (y - cy);
    }
    if (!best || d < best.d) best = { x, y, d };
  }
  if (!best) return undefined;
  return { x: currentCoordinates.x + (best.x - cx), y: currentCoordinates.y + (best.y - cy) };
};

/** /productions/:id/schedule */
export function Stripboard() {
  const production = useProductionId();
  const me = useProduction(production).data;
  const editable = canSchedule(me?.my_role);
  const days = useShootDays(production);
  const strips = useStrips(production);
  const scenes = useScenes(production);
  const characters = useCharacters(production);
  const cast = useCastMembers(production);
  const actions = useStripActions(production);
  const [dragging, setDragging] = useState<Dragged | null>(null);
  const [editing, setEditing] = useState<ShootDay | "new" | null>(null);
  const [deleting, setDeleting] = useState<ShootDay | null>(null);
  const [bannerDay, setBannerDay] = useState<ShootDay | null>(null);
  const focus = useFocusRequest();

  const sensors = useSensors(
    useSensor(MouseAndPenSensor, { activationConstraint: { distance: 6 } }),
    useSensor(TouchSensor, { activationConstraint: { delay: 180, tolerance: 6 } }),
    useSensor(KeyboardSensor, { coordinateGetter: targetCoordinates }),
  );

  const allStrips = useMemo(() => strips.data ?? [], [strips.data]);
  const ordered = useMemo(() => sortDays(days.data ?? []), [days.data]);
  const byDay = useMemo(() => stripsByDay(allStrips), [allStrips]);
  const pool = useMemo(() => unscheduledScenes(scenes.data ?? [], allStrips), [scenes.data, allStrips]);
  const castIds = useMemo(() => castIdsByScene(characters.data ?? [], cast.data ?? []), [characters.data, cast.data]);
  const sceneById = useMemo(() => new Map((scenes.data ?? []).map((s) => [s.id, s])), [scenes.data]);
  const stripById = useMemo(() => new Map(allStrips.map((s) => [s.id, s])), [allStrips]);
  const dayById = useMemo(() => new Map(ordered.map((d) => [d.id, d])), [ordered]);

  const describe = (d: Dragged | null): string => {
    if (!d) return "";
    if (d.kind === "scene") return `scene ${sceneById.get(d.id)?.number ?? ""}`;
    const s = stripById.get(d.id);
    return s?.kind === "banner" ? `banner ${s.text}` : `scene ${s?.scene_number ?? ""}`;
  };
  const describeTarget = (over: string | number | undefined): string => {
    if (over == null) return "nothing";
    const o = String(over);
    if (o === dropId.pool) return "the unscheduled pool";
    const [kind, raw] = o.split(":");
    const id = Number(raw);
    if (kind === "on-strip") {
      const s = stripById.get(id);
      return `day ${dayById.get(s?.shoot_day ?? 0)?.number ?? ""}, ${s?.kind === "banner" ? `banner ${s.text}` : `scene ${s?.scene_number ?? ""}`}`;
    }
    return `${kind === "day-start" ? "the start" : "the end"} of day ${dayById.get(id)?.number ?? ""}`;
  };
  const announcements: Announcements = {
    onDragStart: ({ active }) => `Picked up ${describe(parseDragId(active.id))}. Arrow keys move it between strips and days; space drops it, escape cancels.`,
    onDragOver: ({ active, over }) => `${describe(parseDragId(active.id))} is over ${describeTarget(over?.id)}.`,
    onDragEnd: ({ active, over }) => over ? `${describe(parseDragId(active.id))} dropped on ${describeTarget(over.id)}.` : "Dropped outside the board; nothing changed.",
    onDragCancel: ({ active }) => `Moving ${describe(parseDragId(active.id))} was cancelled.`,
  };

  function onDragStart(event: DragStartEvent) {
    setDragging(parseDragId(event.active.id));
  }
  function onDragEnd(event: DragEndEvent) {
    setDragging(null);
    const dragged = parseDragId(event.active.id);
    if (!dragged || !editable) return;
    const target = resolveDrop(allStrips, dragged, event.over?.id);
    if (!target) return;
    const refocus = startedByKeyboard(event.activatorEvent) ? "handle" : null;
    if (dragged.kind === "strip") {
      const strip = stripById.get(dragged.id);
      if (!strip || strip.id < 0) return;
      if (target.kind === "pool") unschedule(strip, refocus);
      else {
        if (refocus) focus.request(focusKey.strip(refocus, strip, target.day));
        actions.move(strip, target.day, target.index);
      }
    } else if (target.kind === "day") {
      const scene = sceneById.get(dragged.id);
      if (scene) schedule(scene, target.day, target.index, refocus);
    }
  }

  // Each write asks for focus on the moved item's control where it shows next (a keyboard user keeps their place).
  /** From a strip's menu: to `index` of `day` (up or down a place), or to its end; focus on the strip's menu there. */
  function moveFromMenu(strip: Strip, day: Id, index?: number) {
    focus.request(focusKey.strip("menu", strip, day));
    actions.move(strip, day, index);
  }
  function schedule(scene: Scene, day: Id, index: number | undefined, refocus: "menu" | "handle" | null) {
    if (refocus) focus.request(focusKey.strip(refocus, { id: 0, kind: "scene", scene: scene.id }, day));
    actions.schedule(scene, day, index, castIds.get(scene.id));
  }
  function unschedule(strip: Strip, refocus: "menu" | "handle" | null) {
    if (refocus) focus.request(strip.kind === "scene" && strip.scene != null ? focusKey.pool(refocus, strip.scene) : focusKey.dayMenu(strip.shoot_day));
    actions.unschedule(strip);
  }

  if (days.isPending || strips.isPending || scenes.isPending) return <Center h={200}><Loader /></Center>;
  const error = days.error ?? strips.error ?? scenes.error;
  if (error) return <Alert color="red" title="The schedule could not be loaded">{error.message}</Alert>;

  const totalEighths = allStrips.reduce((n, s) => n + (s.kind === "scene" ? s.page_eighths ?? 0 : 0), 0);
  const overlay = (() => {
    if (!dragging) return null;
    if (dragging.kind === "strip") { const s = stripById.get(dragging.id); return s ? <StripBody strip={s} overlay /> : null; }
    const scene = sceneById.get(dragging.id);
    return scene ? <StripBody strip={sceneAsStrip(scene, castIds.get(scene.id))} overlay /> : null;
  })();

  return (
    <Stack gap="sm" data-testid="stripboard">
      <Group justify="space-between" align="center" wrap="wrap">
        <div>
          <PageTitle>Schedule</PageTitle>
          <Text size="sm" c="dimmed" data-testid="schedule-summary">
            {ordered.length} {ordered.length === 1 ? "shoot day" : "shoot days"} · {pagesLabel(totalEighths)} scheduled · {pool.length} unscheduled
          </Text>
        </div>
        <Group gap="xs">
          <Button component={Link} to={`/productions/${production}/dood`} variant="default">Day out of days</Button>
          <Button component={Link} to={`/productions/${production}/call-sheets`} variant="default">Call sheets</Button>
          {editable && <Button leftSection={<IconCalendarPlus size={18} />} onClick={() => setEditing("new")} data-testid="add-shoot-day">Add shoot day</Button>}
        </Group>
      </Group>
      {!editable && <Text size="sm" c="dimmed" data-testid="schedule-read-only">Only the producers and assistant directors change the schedule; you see it as it is.</Text>}
      <Legend />
      <DndContext sensors={sensors} collisionDetection={collision} onDragStart={onDragStart} onDragEnd={onDragEnd}
        onDragCancel={() => setDragging(null)} accessibility={{ announcements, screenReaderInstructions: instructions }}>
        <Grid gap="md" align="flex-start">
          <Grid.Col span={{ base: 12, lg: 8 }}>
          <Stack gap="md" data-testid="shoot-days">
            {ordered.length === 0 && (
              <Paper withBorder p="lg" radius="md"><Text c="dimmed">No shoot days yet.{editable ? " Add one, then drag scenes into it from the pool." : ""}</Text></Paper>
            )}
            {ordered.map((day) => (
              <DayBlock key={day.id} day={day} strips={byDay.get(day.id) ?? []} days={ordered} editable={editable} dragging={dragging !== null}
                onEdit={() => setEditing(day)} onDelete={() => setDeleting(day)} onBanner={() => setBannerDay(day)}
                onMove={moveFromMenu} onUnschedule={(strip) => unschedule(strip, "menu")} focus={focus} />
            ))}
          </Stack>
          </Grid.Col>
          <Grid.Col span={{ base: 12, lg: 4 }} style={{ position: "sticky", top: 76 }}>
          <Pool scenes={pool} castIds={castIds} days={ordered} editable={editable} dragging={dragging?.kind === "strip"}
            onSchedule={(scene, day) => schedule(scene, day, undefined, "menu")} focus={focus} />
          </Grid.Col>
        </Grid>
        <DragOverlay dropAnimation={null}>{overlay}</DragOverlay>
      </DndContext>
      {editing !== null && (
        <ShootDayDialog key={editing === "new" ? "new" : editing.id} production={production} day={editing === "new" ? null : editing} opened onClose={() => setEditing(null)} />
      )}
      <DeleteDayDialog production={production} day={deleting} onClose={() => setDeleting(null)} />
      <BannerDialog day={bannerDay} onAdd={actions.addBanner} onClose={() => setBannerDay(null)} />
    </Stack>
  );
}

function Legend() {
  return (
    <Group gap="xs" data-testid="strip-legend">
      {(Object.keys(toneLabel) as (keyof typeof toneLabel)[]).map((tone) => (
        <Group key={tone} gap={6} wrap="nowrap">
          <Box w={18} h={12} style={{ background: toneStyle[tone].background, border: `1px solid ${toneStyle[tone].edge}`, borderRadius: 2 }} />
          <Text size="xs" c="dimmed">{toneLabel[tone]}</Text>
        </Group>
      ))}
    </Group>
  );
}

function DayBlock({ day, strips, days, editable, dragging, onEdit, onDelete, onBanner, onMove, onUnschedule, focus }: {
  day: ShootDay; strips: Strip[]; days: ShootDay[]; editable: boolean; dragging: boolean;
  onEdit: () => void; onDelete: () => void; onBanner: () => void; onMove: (strip: Strip, day: Id, index?: number) => void;
  onUnschedule: (strip: Strip) => void; focus: FocusRequest;
}) {
  const head = useDroppable({ id: dropId.dayStart(day.id), disabled: !editable });
  const end = useDroppable({ id: dropId.dayEnd(day.id), disabled: !editable });
  const menuButton = useRef<HTMLButtonElement>(null);
  useTakeFocus(focus.wanted === focusKey.dayMenu(day.id), menuButton, focus.done);
  const totals = dayTotals(strips);
  return (
    <Paper withBorder radius="md" data-testid={`shoot-day-${day.number}`} data-day-id={day.id} data-eighths={totals.eighths} style={{ overflow: "hidden" }}>
      <Group ref={head.setNodeRef} justify="space-between" wrap="nowrap" px="sm" py={8} data-testid="day-header"
        style={{ background: head.isOver ? "var(--mantine-color-yellow-light)" : "var(--mantine-color-default-hover)", borderBottom: "1px solid var(--mantine-color-default-border)" }}>
        <div style={{ minWidth: 0 }}>
          <Title order={2} fz="md" fw={700} lh={1.55} data-testid="day-header-text">{dayHeader(day, strips)}</Title>
          {(day.location_name || day.notes) && (
            <Text size="xs" c="dimmed" lineClamp={1}>{[day.location_name, day.notes].filter(Boolean).join(" — ")}</Text>
          )}
        </div>
        {editable && (
          <Menu position="bottom-end" withinPortal withInitialFocusPlaceholder={false}>
            <Menu.Target>
              <ActionIcon ref={menuButton} variant="subtle" color="gray" size={36} aria-label={`Day ${day.number} actions`} data-testid="day-menu"><IconDotsVertical size={18} /></ActionIcon>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Item onClick={onEdit} data-testid="day-edit" data-autofocus>Edit day…</Menu.Item>
              <Menu.Item onClick={onBanner} data-testid="day-add-banner">Add banner…</Menu.Item>
              <Menu.Divider />
              <Menu.Item color="red" onClick={onDelete} data-testid="day-delete">Delete day…</Menu.Item>
            </Menu.Dropdown>
          </Menu>
        )}
      </Group>
      <Stack gap={2} p={4}>
        {strips.map((strip, index) => (
          <DraggableStrip key={stripKey(strip)} strip={strip} place={{ index, count: strips.length }} days={days} editable={editable} onMove={onMove}
            onUnschedule={onUnschedule} focus={focus} />
        ))}
        <Box ref={end.setNodeRef} data-testid="day-end" px="sm" py={strips.length === 0 ? "md" : 4}
          style={{
            borderRadius: 4, border: dragging || strips.length === 0 ? "1px dashed var(--mantine-color-default-border)" : "1px dashed transparent",
            background: end.isOver ? "var(--mantine-color-yellow-light)" : undefined, minHeight: 28,
          }}>
          {(dragging || strips.length === 0) && (
            <Text size="xs" c="dimmed" ta="center">{strips.length === 0 ? (editable ? "No scenes yet — drop scenes here" : "No scenes yet") : "Drop here to add at the end"}</Text>
          )}
        </Box>
      </Stack>
    </Paper>
  );
}

const noSelect: CSSProperties = { userSelect: "none", WebkitUserSelect: "none", WebkitTouchCallout: "none" };

/** Stops a pointer or touch from reaching the strip's drag listeners: a tap on a menu is not the start of a drag. */
const ownPointer = { onPointerDown: (e: { stopPropagation: () => void }) => e.stopPropagation(), onTouchStart: (e: { stopPropagation: () => void }) => e.stopPropagation() };

/**
 * A strip of a day: picked up anywhere with the mouse, pen or a held finger; with the keyboard from its drag handle.
 * The strip itself is no control: its handle and its menu are two. A strip still being saved (negative id) has both,
 * inert until the server's answer, so focus can stay on it.
 */
function DraggableStrip({ strip, place, days, editable, onMove, onUnschedule, focus }: {
  strip: Strip; place: { index: number; count: number }; days: ShootDay[]; editable: boolean;
  onMove: (strip: Strip, day: Id, index?: number) => void; onUnschedule: (strip: Strip) => void; focus: FocusRequest;
}) {
  const pending = strip.id < 0;
  const drag = useDraggable({ id: dragId.strip(strip.id), disabled: !editable || pending, attributes: { roleDescription: "drag handle" } });
  const drop = useDroppable({ id: dropId.strip(strip.id), disabled: !editable });
  const ref = (node: HTMLDivElement | null) => { drag.setNodeRef(node); drop.setNodeRef(node); };
  const { pointer, keyboard } = splitListeners(drag.listeners);
  const handle = useRef<HTMLButtonElement>(null);
  const handleRef = useMergedRef(handle, drag.setActivatorNodeRef);
  const menuButton = useRef<HTMLButtonElement>(null);
  useTakeFocus(focus.wanted === focusKey.strip("handle", strip, strip.shoot_day), handle, focus.done);
  useTakeFocus(focus.wanted === focusKey.strip("menu", strip, strip.shoot_day), menuButton, focus.done);
  const name = strip.kind === "banner" ? `Banner ${strip.text}` : `Scene ${strip.scene_number ?? ""}`;
  // The first item it can act on has focus when the menu opens (as on the board's cards, Board.tsx).
  const up = !pending && place.index > 0;
  const down = !pending && place.index < place.count - 1;
  const otherDays = pending ? [] : days.filter((d) => d.id !== strip.shoot_day);
  const first = up ? "up" : down ? "down" : otherDays.length ? `day:${otherDays[0]?.id}` : pending ? null : "unschedule";
  const menu = editable ? (
    <Menu position="bottom-end" withinPortal withInitialFocusPlaceholder={false}>
      <Menu.Target>
        <ActionIcon ref={menuButton} variant="subtle" color="gray" size={32} aria-label={`${name} actions`} data-testid="strip-menu" {...ownPointer}
          style={{ color: "inherit" }}>
          <IconDotsVertical size={16} />
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        {/* Every drag has its menu item (WCAG 2.5.7): up and down a place within the day, to the end of another day. */}
        <Menu.Item disabled={!up} onClick={() => onMove(strip, strip.shoot_day, place.index - 1)} data-testid="strip-move-up"
          data-autofocus={first === "up" || undefined}>Move up</Menu.Item>
        <Menu.Item disabled={!down} onClick={() => onMove(strip, strip.shoot_day, place.index + 1)} data-testid="strip-move-down"
          data-autofocus={first === "down" || undefined}>Move down</Menu.Item>
        <Menu.Label>Move to the end of</Menu.Label>
        {days.map((d) => (
          <Menu.Item key={d.id} disabled={pending || d.id === strip.shoot_day} onClick={() => onMove(strip, d.id)} data-testid={`strip-move-to-day-${d.number}`}
            data-autofocus={first === `day:${d.id}` || undefined}>
            Day {d.number}
          </Menu.Item>
        ))}
        <Menu.Divider />
        <Menu.Item color={strip.kind === "banner" ? "red" : undefined} disabled={pending} onClick={() => onUnschedule(strip)} data-testid="strip-unschedule"
          data-autofocus={first === "unschedule" || undefined}>
          {strip.kind === "banner" ? "Delete banner" : "Unschedule"}
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  ) : null;
  return (
    <div ref={ref} {...(editable ? pointer : {})} data-testid="strip-drag"
      style={{ opacity: drag.isDragging ? 0.35 : pending ? 0.7 : 1, touchAction: "manipulation", cursor: editable ? "grab" : undefined, borderRadius: 4,
        outline: drop.isOver && !drag.isDragging ? "2px solid var(--mantine-color-yellow-5)" : undefined, outlineOffset: -1 }}>
      <StripBody strip={strip} menu={menu}
        handle={editable ? <DragHandle label={`Move ${name.toLowerCase()}`} handleRef={handleRef} attributes={drag.attributes} keyboard={keyboard} /> : null} />
    </div>
  );
}

/** A scene of the pool drawn as a strip (its cast ids from the breakdown). */
function sceneAsStrip(scene: Scene, castIds: number[] | undefined): Strip {
  return {
    id: 0, production: scene.production, shoot_day: 0, position: 0, kind: "scene", scene: scene.id, text: "", scene_number: scene.number,
    int_ext: scene.int_ext, time_of_day: scene.time_of_day, location: scene.location, page_eighths: scene.page_eighths, cast_ids: castIds ?? [],
    synopsis: scene.synopsis, version: 0,
  };
}

/** One strip: scene number, INT/EXT, D/N, location (and synopsis), pages, cast ids; a banner spans the whole row. */
/** `handle`: the strip's drag handle (at its left), `menu`: its actions (at its right). */
function StripBody({ strip, menu, handle, overlay, compact }: { strip: Strip; menu?: ReactNode; handle?: ReactNode; overlay?: boolean; compact?: boolean }) {
  if (strip.kind === "banner") {
    return (
      <Group wrap="nowrap" gap={4} px={6} data-testid="strip" data-kind="banner" data-strip-id={strip.id}
        style={{ ...noSelect, minHeight: 34, borderRadius: 4, background: "light-dark(var(--mantine-color-dark-7), var(--mantine-color-gray-3))",
          color: "light-dark(var(--mantine-color-white), var(--mantine-color-black))", boxShadow: overlay ? "var(--mantine-shadow-xl)" : undefined }}>
        {handle}
        <Text fw={800} size="sm" ta="center" style={{ flex: 1, letterSpacing: "0.12em" }} data-testid="banner-text">{strip.text}</Text>
        {menu}
      </Group>
    );
  }
  const tone = stripTone(strip.int_ext, strip.time_of_day);
  const style = toneStyle[tone];
  return (
    <Group wrap="nowrap" gap={compact ? 6 : "sm"} px={6} data-testid="strip" data-kind="scene" data-strip-id={strip.id} data-scene-id={strip.scene ?? undefined}
      data-scene-number={strip.scene_number ?? undefined} data-tone={tone} data-position={strip.position}
      style={{ ...noSelect, minHeight: 38, borderRadius: 4, background: style.background, borderLeft: `6px solid ${style.edge}`,
        border: `1px solid ${style.edge}`, borderLeftWidth: 6, boxShadow: overlay ? "var(--mantine-shadow-xl)" : undefined, color: "var(--mantine-color-text)" }}>
      {handle}
      <Text fw={800} miw={compact ? 32 : 44} maw={compact ? 64 : 96} truncate style={{ flexShrink: 0 }} data-testid="strip-number">{strip.scene_number}</Text>
      <Text size="sm" fw={600} w={compact ? 32 : 62} style={{ flexShrink: 0 }}>{compact ? strip.int_ext?.slice(0, 3) : strip.int_ext}</Text>
      <Tooltip label={strip.time_of_day || "—"} openDelay={400}>
        <Text size="sm" fw={700} w={18} style={{ flexShrink: 0 }} data-testid="strip-dn">{dayNight(strip.time_of_day)}</Text>
      </Tooltip>
      <div style={{ flex: 1, minWidth: 0 }}>
        <Text size="sm" fw={600} truncate>{strip.location || "—"}</Text>
        {/* In the text's own colour: "dimmed" grey on the tinted strips (EXT night's green, INT night's blue) is under 4.5:1 */}
        {strip.synopsis && <Text size="xs" truncate visibleFrom="sm">{strip.synopsis}</Text>}
      </div>
      <Text size="sm" fw={600} w={compact ? 40 : 50} ta="right" style={{ flexShrink: 0 }} data-testid="strip-eighths">{eighths(strip.page_eighths ?? 0)}</Text>
      <Text size="sm" w={compact ? 44 : 86} ta="right" style={{ flexShrink: 0 }} truncate data-testid="strip-cast" title="Cast ids">{(strip.cast_ids ?? []).join(", ") || "—"}</Text>
      {menu}
    </Group>
  );
}

function Pool({ scenes, castIds, days, editable, dragging, onSchedule, focus }: {
  scenes: Scene[]; castIds: Map<Id, number[]>; days: ShootDay[]; editable: boolean; dragging: boolean; onSchedule: (scene: Scene, day: Id) => void;
  focus: FocusRequest;
}) {
  const drop = useDroppable({ id: dropId.pool, disabled: !editable });
  // Read-only, nothing in the list takes focus: the list itself does while it scrolls.
  const [listRef, overflows] = useOverflows<HTMLDivElement>();
  return (
    <Paper ref={drop.setNodeRef} withBorder radius="md" p="xs" data-testid="unscheduled-pool"
      style={{ minHeight: 200,
        background: drop.isOver ? "var(--mantine-color-red-light)" : dragging ? "var(--mantine-color-default-hover)" : undefined }}>
      <Group justify="space-between" mb="xs" px={4}>
        <Title order={2} fz="md" fw={700} lh={1.55}>Unscheduled</Title>
        <Badge variant="light" color="gray" data-testid="pool-count">{scenes.length} · {pagesLabel(scenes.reduce((n, s) => n + s.page_eighths, 0))}</Badge>
      </Group>
      {dragging && <Text size="xs" c="dimmed" ta="center" mb="xs">Drop a strip here to unschedule it</Text>}
      <Stack ref={listRef} gap={2} style={{ maxHeight: "calc(100vh - 220px)", overflowY: "auto" }} {...scrollRegionProps(overflows && !editable, "Unscheduled scenes")}>
        {scenes.map((scene) => (
          <PoolStrip key={scene.id} scene={scene} castIds={castIds.get(scene.id)} days={days} editable={editable} onSchedule={onSchedule} focus={focus} />
        ))}
        {scenes.length === 0 && <Text size="sm" c="dimmed" ta="center" py="md">Every scene is scheduled.</Text>}
      </Stack>
    </Paper>
  );
}

/** A scene of the unscheduled pool: dragged like a strip (keyboard: from its handle), or put at the end of a day from its menu. */
function PoolStrip({ scene, castIds, days, editable, onSchedule, focus }: {
  scene: Scene; castIds: number[] | undefined; days: ShootDay[]; editable: boolean; onSchedule: (scene: Scene, day: Id) => void; focus: FocusRequest;
}) {
  const drag = useDraggable({ id: dragId.scene(scene.id), disabled: !editable, attributes: { roleDescription: "drag handle" } });
  const { pointer, keyboard } = splitListeners(drag.listeners);
  const handle = useRef<HTMLButtonElement>(null);
  const handleRef = useMergedRef(handle, drag.setActivatorNodeRef);
  const menuButton = useRef<HTMLButtonElement>(null);
  useTakeFocus(focus.wanted === focusKey.pool("handle", scene.id), handle, focus.done);
  useTakeFocus(focus.wanted === focusKey.pool("menu", scene.id), menuButton, focus.done);
  const menu = editable && days.length > 0 ? (
    <Menu position="bottom-end" withinPortal withInitialFocusPlaceholder={false}>
      <Menu.Target>
        <ActionIcon ref={menuButton} variant="subtle" color="gray" size={32} aria-label={`Schedule scene ${scene.number}`} data-testid="pool-menu" {...ownPointer}
          style={{ color: "inherit" }}>
          <IconDotsVertical size={16} />
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>Add to the end of</Menu.Label>
        {days.map((d, i) => (
          <Menu.Item key={d.id} onClick={() => onSchedule(scene, d.id)} data-testid={`pool-add-to-day-${d.number}`} data-autofocus={i === 0 || undefined}>Day {d.number}</Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  ) : null;
  return (
    <div ref={drag.setNodeRef} {...(editable ? pointer : {})} data-testid="pool-scene" data-scene-id={scene.id}
      style={{ opacity: drag.isDragging ? 0.35 : 1, touchAction: "manipulation", cursor: editable ? "grab" : undefined }}>
      <StripBody strip={sceneAsStrip(scene, castIds)} menu={menu} compact
        handle={editable ? <DragHandle label={`Move scene ${scene.number}`} handleRef={handleRef} attributes={drag.attributes} keyboard={keyboard} /> : null} />
    </div>
  );
}
