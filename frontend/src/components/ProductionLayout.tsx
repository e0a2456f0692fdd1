import { ActionIcon, AppShell, Burger, Center, Group, NavLink, Stack, Text, useMantineColorScheme } from "@mantine/core";
import { useDisclosure, useMediaQuery } from "@mantine/hooks";
import { IconBoxMultiple, IconCalendarEvent, IconClipboardList, IconClipboardText, IconLayoutKanban, IconLayoutDashboard, IconMovie, IconMoon, IconNotebook, IconPalette, IconScript, IconSun, IconUsers, IconListDetails, IconShieldLock } from "@tabler/icons-react";
import { memo, useDeferredValue } from "react";
import { Link, NavLink as RouterNavLink, Outlet, useLocation } from "react-router-dom";
import { ApiError } from "../api/client";
import { useProduction } from "../api/hooks";
import { useProductionId } from "../hooks/useProductionId";
import { OfflineBanner } from "../offline/OfflineBanner";
import { OutboxStatus } from "../offline/OutboxStatus";
import { useProductionStream } from "../realtime/RealtimeProvider";
import { ConnectionIndicator } from "./ConnectionIndicator";
import { NotificationBell } from "./notifications/NotificationBell";
import { MAIN_ID, PageMain, PageTitle, SkipLink } from "./PageFrame";
import { UserMenu } from "./UserMenu";

const NAV = [
  { to: "", label: "Dashboard", icon: IconLayoutDashboard, end: true },
  { to: "board", label: "Scene board", icon: IconLayoutKanban },
  { to: "script", label: "Screenplay", icon: IconScript },
  { to: "dailies", label: "Dailies", icon: IconMovie },
  { to: "breakdown", label: "Breakdown", icon: IconListDetails },
  { to: "schedule", label: "Schedule", icon: IconCalendarEvent },
  { to: "call-sheets", label: "Call sheets", icon: IconClipboardText },
  { to: "takes", label: "Take log", icon: IconNotebook },
  { to: "lookdev", label: "Look development", icon: IconPalette },
  { to: "jobs", label: "Jobs", icon: IconClipboardList },
  { to: "members", label: "Crew", icon: IconUsers },
  { to: "audit", label: "Audit log", icon: IconShieldLock, owners: true },  // its API answers owners only
];

export function ColorSchemeToggle() {
  const { colorScheme, toggleColorScheme } = useMantineColorScheme();
  const other = colorScheme === "dark" ? "Light theme" : "Dark theme";
  return (
    <ActionIcon variant="default" onClick={toggleColorScheme} aria-label={other} title={other} data-testid="color-scheme-toggle">
      {colorScheme === "dark" ? <IconSun size={20} /> : <IconMoon size={20} />}
    </ActionIcon>
  );
}

/**
 * The header's tools: what is waiting to be sent, the connection, notifications, theme, account. Each follows its own
 * state; none is rendered again with the frame (its production, route or navbar: two dozen times during a start-up).
 */
const FrameTools = memo(function FrameTools() {
  return (
    <Group wrap="nowrap" gap="sm">
      <OutboxStatus />
      <ConnectionIndicator />
      <NotificationBell />
      <ColorSchemeToggle />
      <UserMenu />
    </Group>
  );
});

/** The frame of every production screen: header (title, connection, theme, user), navigation, and the stream subscription. */
export function ProductionLayout() {
  const id = useProductionId();
  const production = useProduction(id);
  const [opened, { toggle, close }] = useDisclosure();
  // Below the navbar's breakpoint (md) it slides away when closed: inert then, so Tab does not walk through hidden links.
  const narrow = useMediaQuery("(max-width: 61.99em)", undefined, { getInitialValueInEffect: false }) ?? false;
  const location = useLocation();
  useProductionStream(production.data ? id : undefined);
  // The page inside renders in a transition once the production is in (time-sliced, after the frame has painted).
  const ready = useDeferredValue(production.data !== undefined, false);

  if (production.error instanceof ApiError && production.error.status === 404) {
    return (
      <>
        <SkipLink />
        <PageMain>
          <Center h="100vh">
            <Stack align="center" data-testid="not-a-member">
              <PageTitle>This production is not open to you</PageTitle>
              <Text c="dimmed">You are not on its crew, or it does not exist. Ask its producer to add you.</Text>
              <Link to="/">Back to your productions</Link>
            </Stack>
          </Center>
        </PageMain>
      </>
    );
  }
  return (
    <AppShell header={{ height: 60 }} navbar={{ width: 230, breakpoint: "md", collapsed: { mobile: !opened } }} padding="md">
      <SkipLink />
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group wrap="nowrap" gap="sm">
            <Burger opened={opened} onClick={toggle} hiddenFrom="md" size="sm" aria-label="Navigation" aria-expanded={opened} aria-controls="production-navigation" />
            <Text component={Link} to="/" fw={800} c="yellow" style={{ letterSpacing: "0.08em" }}>SLATE</Text>
            <Text fw={600} truncate maw={{ base: "32vw", sm: 360 }} data-testid="production-title">{production.data?.title ?? "…"}</Text>
          </Group>
          <FrameTools />
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" id="production-navigation" aria-label="Production" inert={narrow && !opened}>
        {/* Below md the closed navbar is off screen: its links render when it opens, not on every page's first render
            (a phone's first paint; docs/performance.md, "Third pass"). */}
        {(!narrow || opened) && NAV.filter((item) => !item.owners || production.data?.my_role === "owner").map((item) => (
          <NavLink key={item.label} component={RouterNavLink} to={`/productions/${id}/${item.to}`} end={item.end}
            label={item.label} leftSection={<item.icon size={20} />} onClick={close} style={{ minHeight: 44 }}
            active={item.end ? location.pathname.replace(/\/$/, "") === `/productions/${id}` : location.pathname.startsWith(`/productions/${id}/${item.to}`)} />
        ))}
        {(!narrow || opened) && <NavLink component={Link} to="/" label="All productions" leftSection={<IconBoxMultiple size={20} />} style={{ minHeight: 44 }} />}
      </AppShell.Navbar>
      <AppShell.Main id={MAIN_ID} tabIndex={-1} data-skip-target>
        <OfflineBanner />
        {ready ? <Outlet /> : <Center h={200}><Text c="dimmed">Loading…</Text></Center>}
      </AppShell.Main>
    </AppShell>
  );
}
