// Look development (`/productions/:id/lookdev/*`): the orders, a new order, one order's items, the gallery.
import { Button, Group, Stack } from "@mantine/core";
import { IconLayoutGrid, IconListDetails, IconPlus } from "@tabler/icons-react";
import { Link, Route, Routes, useLocation } from "react-router-dom";
import { useProduction } from "../../api/hooks";
import { PageTitle } from "../../components/PageFrame";
import { useProductionId } from "../../hooks/useProductionId";
import { Gallery } from "./Gallery";
import { OrderForm } from "./OrderForm";
import { OrderList, OrderView } from "./Orders";

const TABS = [
  { to: "", label: "Orders", icon: IconListDetails, match: (rest: string) => rest === "" || rest.startsWith("orders") },
  { to: "new", label: "New order", icon: IconPlus, match: (rest: string) => rest === "new", write: true },
  { to: "gallery", label: "Gallery", icon: IconLayoutGrid, match: (rest: string) => rest === "gallery" },
];

export function LookdevPage() {
  const production = useProductionId();
  const role = useProduction(production).data?.my_role;
  const canWrite = role !== undefined && role !== "viewer"; // writers only, once the role is known
  const base = `/productions/${production}/lookdev`;
  const rest = useLocation().pathname.slice(base.length).replace(/^\/|\/$/g, "");
  return (
    <Stack gap="md">
      <Group justify="space-between" wrap="wrap">
        <PageTitle>Look development</PageTitle>
        <Group gap="xs" component="nav" aria-label="Look development">
          {TABS.filter((t) => !t.write || canWrite).map((t) => (
            <Button key={t.label} component={Link} to={t.to ? `${base}/${t.to}` : base} variant={t.match(rest) ? "filled" : "default"}
              leftSection={<t.icon size={16} />} aria-current={t.match(rest) ? "page" : undefined} data-testid={`lookdev-tab-${t.to || "orders"}`}>
              {t.label}
            </Button>
          ))}
        </Group>
      </Group>
      <Routes>
        <Route index element={<OrderList production={production} />} />
        <Route path="new" element={<OrderForm production={production} />} />
        <Route path="orders/:orderId" element={<OrderView production={production} canWrite={canWrite} />} />
        <Route path="gallery" element={<Gallery production={production} canWrite={canWrite} />} />
      </Routes>
    </Stack>
  );
}
