import { Anchor, Box, Group, Text } from "@mantine/core";
import { IconArrowLeft } from "@tabler/icons-react";
import { Link } from "react-router-dom";
import { NotificationBell } from "./notifications/NotificationBell";
import { SkipLink } from "./PageFrame";
import { ColorSchemeToggle } from "./ProductionLayout";
import { UserMenu } from "./UserMenu";

/**
 * The header of a page outside any production (the productions, settings, operations), after the page's skip link:
 * back to the productions (or, on that page, the name), then the bell, the theme and the user menu. The page's own
 * content follows in its PageMain.
 */
export function TopBar({ home = false }: { home?: boolean }) {
  return (
    <>
      <SkipLink />
      <Box component="header" mb="xs">
        <Group justify="space-between" wrap="nowrap">
          {home ? <Text fw={800} c="yellow" style={{ letterSpacing: "0.08em" }}>SLATE</Text> : (
            <Anchor component={Link} to="/" size="sm"><Group gap={4} component="span"><IconArrowLeft size={16} aria-hidden /> Your productions</Group></Anchor>
          )}
          <Group gap="sm" wrap="nowrap"><NotificationBell /><ColorSchemeToggle /><UserMenu /></Group>
        </Group>
      </Box>
    </>
  );
}
