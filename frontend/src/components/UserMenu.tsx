import { Avatar, UnstyledButton, type Menu } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import { IconActivityHeartbeat, IconBell, IconUserCircle } from "@tabler/icons-react";
import { Link, useNavigate } from "react-router-dom";
import { api } from "../api/client";
import { useMe, useProductions } from "../api/hooks";
import { managesAny } from "../api/operations";
import { MenuOnDemand } from "./menus/MenuOnDemand";

export function UserMenu() {
  const me = useMe();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const name = me.data?.display_name ?? "";
  const initials = name.split(" ").map((w) => w[0]).join("").slice(0, 2).toUpperCase();
  return (
    // Without Mantine's focus placeholder (a presentational div with a tabindex, not allowed in role=menu: axe
    // aria-required-children, critical), focus goes to the first item on opening; every item here is enabled.
    <MenuOnDemand position="bottom-end" withInitialFocusPlaceholder={false}
      // The button's name starts with the initials it shows (WCAG 2.5.3, label in name).
      button={
        <UnstyledButton aria-label={initials ? `${initials}, account menu` : "Account menu"} style={{ minHeight: 44 }} data-testid="user-menu">
          <Avatar color="yellow" variant="filled" radius="xl" src={me.data?.avatar_url} alt="">{initials}</Avatar>
        </UnstyledButton>
      }
      items={(M) => (
        <>
          <M.Label>{name}</M.Label>
          <M.Item component={Link} to="/settings/account" leftSection={<IconUserCircle size={16} />} data-testid="account-settings">Account</M.Item>
          <M.Item component={Link} to="/settings/notifications" leftSection={<IconBell size={16} />} data-testid="notification-settings">Notifications</M.Item>
          <OperationsItem M={M} />
          <M.Item onClick={async () => { await api("/api/auth/logout/", { method: "POST" }); qc.clear(); navigate("/signin"); }}>Sign out</M.Item>
        </>
      )} />
  );
}

/** The operations page's item, for owners and producers only: their productions are asked for once the menu opens. */
function OperationsItem({ M }: { M: typeof Menu }) {
  if (!managesAny(useProductions().data)) return null;
  return <M.Item component={Link} to="/operations" leftSection={<IconActivityHeartbeat size={16} />} data-testid="operations-link">Operations</M.Item>;
}
