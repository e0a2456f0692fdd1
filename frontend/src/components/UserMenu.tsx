import { Avatar, Menu, UnstyledButton } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "react-router-dom";
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
        <Menu.Item onClick={async () => { await api("/api/auth/logout/", { method: "POST" }); qc.clear(); navigate("/signin"); }}>Sign out</Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
