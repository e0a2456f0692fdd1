import { Avatar, Menu, UnstyledButton } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import { IconBell } from "@tabler/icons-react";
import { Link, useNavigate } from "react-router-dom";
import { api } from "../api/client";
import { useMe } from "../api/hooks";

export function UserMenu() {
  const me = useMe();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const name = me.data?.display_name ?? "";
  return (
    <Menu position="bottom-end">
      <Menu.Target>
        <UnstyledButton aria-label="Account" style={{ minHeight: 44 }} data-testid="user-menu">
          <Avatar color="yellow" radius="xl">{name.split(" ").map((w) => w[0]).join("").slice(0, 2).toUpperCase()}</Avatar>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{name}</Menu.Label>
        <Menu.Item component={Link} to="/settings/notifications" leftSection={<IconBell size={16} />} data-testid="notification-settings">Notifications</Menu.Item>
        <Menu.Item onClick={async () => { await api("/api/auth/logout/", { method: "POST" }); qc.clear(); navigate("/signin"); }}>Sign out</Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
