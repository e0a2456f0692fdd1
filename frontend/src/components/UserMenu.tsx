import { Avatar, Menu, UnstyledButton } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import { IconActivityHeartbeat, IconBell } from "@tabler/icons-react";
import { Link, useNavigate } from "react-router-dom";
import { api } from "../api/client";
import { useMe, useProductions } from "../api/hooks";
import { managesAny } from "../api/operations";

export function UserMenu() {
  const me = useMe();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const manager = managesAny(useProductions().data); // owners and producers: the operations page is theirs
  const name = me.data?.display_name ?? "";
  const initials = name.split(" ").map((w) => w[0]).join("").slice(0, 2).toUpperCase();
  return (
    <Menu position="bottom-end">
      {/* The button's name starts with the initials it shows (WCAG 2.5.3, label in name). */}
      <Menu.Target>
        <UnstyledButton aria-label={initials ? `${initials}, account menu` : "Account menu"} style={{ minHeight: 44 }} data-testid="user-menu">
          <Avatar color="yellow" variant="filled" radius="xl">{initials}</Avatar>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{name}</Menu.Label>
        <Menu.Item component={Link} to="/settings/notifications" leftSection={<IconBell size={16} />} data-testid="notification-settings">Notifications</Menu.Item>
        {manager && <Menu.Item component={Link} to="/operations" leftSection={<IconActivityHeartbeat size={16} />} data-testid="operations-link">Operations</Menu.Item>}
        <Menu.Item onClick={async () => { await api("/api/auth/logout/", { method: "POST" }); qc.clear(); navigate("/signin"); }}>Sign out</Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
