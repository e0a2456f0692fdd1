import { Anchor, Group } from "@mantine/core";
import { IconArrowLeft } from "@tabler/icons-react";
import { Link } from "react-router-dom";
import { NotificationBell } from "./notifications/NotificationBell";
import { ColorSchemeToggle } from "./ProductionLayout";
import { UserMenu } from "./UserMenu";

/** The bar above a page outside any production (settings, operations): back to the productions, then the bell, the theme and the user menu. */
export function TopBar() {
  return (
    <Group justify="space-between" mb="xs" wrap="nowrap">
      <Anchor component={Link} to="/" size="sm"><Group gap={4} component="span"><IconArrowLeft size={16} /> Your productions</Group></Anchor>
      <Group gap="sm" wrap="nowrap"><NotificationBell /><ColorSchemeToggle /><UserMenu /></Group>
    </Group>
  );
}
