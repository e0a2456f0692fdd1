import { ActionIcon, AppShell, Burger, Center, Group, NavLink, Stack, Text, Title, Tooltip, useMantineColorScheme } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { IconBoxMultiple, IconCalendarEvent, IconClipboardList, IconClipboardText, IconLayoutKanban, IconLayoutDashboard, IconMovie, IconMoon, IconNotebook, IconScript, IconSun, IconUsers, IconListDetails } from "@tabler/icons-react";
import { Link, NavLink as RouterNavLink, Outlet, useLocation } from "react-router-dom";
import { ApiError } from "../api/client";
import { useProduction } from "../api/hooks";
import { useProductionId } from "../hooks/useProductionId";
import { OfflineBanner } from "../offline/OfflineBanner";
import { OutboxStatus } from "../offline/OutboxStatus";
import { useProductionStream } from "../realtime/RealtimeProvider";
import { ConnectionIndicator } from "./ConnectionIndicator";
import { NotificationBell } from "./notifications/NotificationBell";
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
  { to: "jobs", label: "Jobs", icon: IconClipboardList },
  { to: "members", label: "Crew", icon: IconUsers },
];

export function ColorSchemeToggle() {
  const { colorScheme, toggleColorScheme } = useMantineColorScheme();
  return (
    <Tooltip label={colorScheme === "dark" ? "Light theme" : "Dark theme"}>
      <ActionIcon variant="default" onClick={toggleColorScheme} aria-label="Toggle color scheme">
        {colorScheme === "dark" ? <IconSun size={20} /> : <IconMoon size={20} />}
      </ActionIcon>
    </Tooltip>
  );
}

/** The frame of every production screen: header (title, connection, theme, user), navigation, and the stream subscription. */
export function ProductionLayout() {
  const id = useProductionId();
  const production = useProduction(id);
  const [opened, { toggle, close }] = useDisclosure();
  const location = useLocation();
  useProductionStream(production.data ? id : undefined);

  if (production.error instanceof ApiError && production.error.status === 404) {
    return (
      <Center h="100vh">
        <Stack align="center" data-testid="not-a-member">
          <Title order={2}>This production is not open to you</Title>
          <Text c="dimmed">You are not on its crew, or it does not exist. Ask its producer to add you.</Text>
          <Link to="/">Back to your productions</Link>
        </Stack>
      </Center>
    );
  }
  return (
    <AppShell header={{ height: 60 }} navbar={{ width: 230, breakpoint: "md", collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group wrap="nowrap" gap="sm">
            <Burger opened={opened} onClick={toggle} hiddenFrom="md" size="sm" aria-label="Menu" />
            <Text component={Link} to="/" fw={800} c="yellow" style={{ letterSpacing: "0.08em" }}>SLATE</Text>
            <Text fw={600} truncate maw={{ base: "32vw", sm: 360 }} data-testid="production-title">{production.data?.title ?? "…"}</Text>
          </Group>
          <Group wrap="nowrap" gap="sm">
            <OutboxStatus />
            <ConnectionIndicator />
            <NotificationBell />
            <ColorSchemeToggle />
            <UserMenu />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs">
        {NAV.map((item) => (
          <NavLink key={item.label} component={RouterNavLink} to={`/productions/${id}/${item.to}`} end={item.end}
            label={item.label} leftSection={<item.icon size={20} />} onClick={close} style={{ minHeight: 44 }}
            active={item.end ? location.pathname.replace(/\/$/, "") === `/productions/${id}` : location.pathname.startsWith(`/productions/${id}/${item.to}`)} />
        ))}
        <NavLink component={Link} to="/" label="All productions" leftSection={<IconBoxMultiple size={20} />} style={{ minHeight: 44 }} />
      </AppShell.Navbar>
      <AppShell.Main>
        <OfflineBanner />
        {production.data ? <Outlet /> : <Center h={200}><Text c="dimmed">Loading…</Text></Center>}
      </AppShell.Main>
    </AppShell>
  );
}
