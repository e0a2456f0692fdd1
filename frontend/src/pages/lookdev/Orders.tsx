// The production's generation orders, and one order's items: status, progress, queue position and the provider's log
// line, per-item retry and cancel, cancelling the order; its products below. All live (realtime/dispatch.ts).
import { Alert, Anchor, Button, Card, Group, SimpleGrid, Stack, Table, Text, Title, VisuallyHidden } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { Link, useParams } from "react-router-dom";
import { post } from "../../api/hooks";
import {
  liveProgress, storeItem, storeOrder, usd, useLookdevAction, useMachines, useOrder, useOrders, useProducts, type GenerationItem, type GenerationOrder,
} from "../../api/lookdev";
import type { Id } from "../../api/types";
import { shortWhen, when } from "../media/format";
import { ACTIVE, failMessage, ParameterBadges, ProductCard, StatusBadge, StatusBar } from "./parts";

/** "shot 12", "scene 3"... what the order is for, or "". */
export function targetLabel(order: Pick<GenerationOrder, "shot" | "scene" | "location" | "character">): string {
  for (const kind of ["shot", "scene", "location", "character"] as const) if (order[kind] != null) return `${kind} ${order[kind]}`;
  return "";
}

export function OrderList({ production }: { production: Id }) {
  const orders = useOrders(production);
  const machines = useMachines().data ?? [];
  const labelOf = (id: string) => machines.find((m) => m.id === id)?.label ?? id;
  return (
    <Stack gap="sm">
      <Title order={2} size="h3">Orders</Title>
      {orders.error && <Alert color="red" role="alert">{orders.error.message}</Alert>}
      {orders.isPending && <Text c="dimmed">Loading orders…</Text>}
      {orders.data?.length === 0 && <Text c="dimmed" data-testid="orders-empty">No orders yet: a new order makes storyboard frames or look-development stills.</Text>}
      {!!orders.data?.length && (
        <Card withBorder padding={0}>
          <Table.ScrollContainer minWidth={760}>
            <Table verticalSpacing="sm" data-testid="orders">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Order</Table.Th><Table.Th w={110}>Status</Table.Th><Table.Th w={220}>Progress</Table.Th>
                  <Table.Th>Items</Table.Th><Table.Th>Cost</Table.Th><Table.Th>Created</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {orders.data.map((o) => (
                  <Table.Tr key={o.id} data-testid="order-row" data-order-id={o.id} data-status={o.status}>
                    <Table.Td>
                      <Anchor component={Link} to={`orders/${o.id}`} fw={500} size="sm">Order {o.id}</Anchor>
                      <Text size="xs" c="dimmed">{o.machine_label ?? labelOf(o.machine)}{targetLabel(o) ? ` · for ${targetLabel(o)}` : ""}</Text>
                    </Table.Td>
                    <Table.Td><StatusBadge status={o.status} /></Table.Td>
                    <Table.Td><StatusBar status={o.status} progress={o.progress} label={`Order ${o.id}`} testId="order-row-progress" /></Table.Td>
                    <Table.Td>{o.item_count}</Table.Td>
                    <Table.Td><Text size="sm">{o.cost_usd != null ? usd(o.cost_usd) : `≈ ${usd(o.estimated_cost_usd)}`}</Text></Table.Td>
                    <Table.Td><Text size="sm" title={when(o.created_at)} style={{ whiteSpace: "nowrap" }}>{shortWhen(o.created_at)}</Text></Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Card>
      )}
    </Stack>
  );
}

/** One order (`/lookdev/orders/:orderId`). */
export function OrderView({ production, canWrite }: { production: Id; canWrite: boolean }) {
  const orderId = Number(useParams().orderId);
  const order = useOrder(orderId);
  const machine = useMachines().data?.find((m) => m.id === order.data?.machine);
  const products = useProducts(production, { order: String(orderId) });
  const cancel = useLookdevAction(() => post<GenerationOrder>(`/api/generation-orders/${orderId}/cancel/`, {}), storeOrder);
  if (order.error) return <Alert color="red" role="alert">{order.error.message}</Alert>;
  if (!order.data) return <Text c="dimmed">Loading the order…</Text>;
  const o = order.data;
  const items = o.items ?? [];
  const counts = items.reduce<Record<string, number>>((acc, i) => ({ ...acc, [i.status]: (acc[i.status] ?? 0) + 1 }), {});
  const active = items.some((i) => ACTIVE.has(i.status)) || ACTIVE.has(o.status);
  return (
    <Stack gap="md" data-testid="order" data-order-id={o.id} data-status={o.status}>
      <Group justify="space-between" align="flex-start">
        <Stack gap={2}>
          <Title order={2} size="h3">Order {o.id}</Title>
          <Text size="sm" c="dimmed">
            {o.machine_label ?? machine?.label ?? o.machine}{targetLabel(o) ? ` · for ${targetLabel(o)}` : ""} · {o.item_count} item{o.item_count === 1 ? "" : "s"}
            {o.created_by_name ? ` · by ${o.created_by_name}` : ""} · {when(o.created_at)}
          </Text>
        </Stack>
        {canWrite && active && (
          <Button color="red" variant="light" loading={cancel.isPending} data-testid="order-cancel"
            onClick={() => cancel.mutate(undefined, { onError: (e) => notifications.show({ color: "red", title: "The order was not cancelled", message: failMessage(e) }) })}>
            Cancel order
          </Button>
        )}
      </Group>
      <Card withBorder padding="sm">
        <Group justify="space-between" mb={6}>
          <StatusBadge status={o.status} testId="order-status" />
          <Text size="sm" data-testid="order-counts">
            {["succeeded", "running", "pending", "failed", "cancelled"].filter((s) => counts[s]).map((s) => `${counts[s]} ${s}`).join(" · ")}
            {" · "}cost {o.cost_usd != null ? usd(o.cost_usd) : `≈ ${usd(o.estimated_cost_usd)} estimated`}
          </Text>
        </Group>
        <StatusBar status={o.status} progress={liveProgress(o)} label={`Order ${o.id}`} testId="order-progress" />
      </Card>
      <ParameterBadges parameters={o.parameters} />
      <Card withBorder padding={0}>
        <Table.ScrollContainer minWidth={820}>
          <Table verticalSpacing="sm" data-testid="order-items">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={50}>Item</Table.Th><Table.Th>Parameters</Table.Th><Table.Th w={130}>Status</Table.Th><Table.Th w={260}>Progress</Table.Th>
                <Table.Th w={80}>Cost</Table.Th><Table.Th w={130}><VisuallyHidden>Actions</VisuallyHidden></Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>{items.map((item) => <ItemRow key={item.id} item={item} canWrite={canWrite} />)}</Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Card>
      <Title order={3} size="h4">Products</Title>
      {products.data?.length === 0 && <Text c="dimmed" size="sm">None yet: each item's file shows here as it is made.</Text>}
      <SimpleGrid cols={{ base: 2, sm: 3, lg: 4 }} spacing="xs" data-testid="order-products" data-count={products.data?.length ?? 0}>
        {(products.data ?? []).map((p) => <ProductCard key={p.id} product={p} machineLabel={machine?.label ?? o.machine} canWrite={canWrite} />)}
      </SimpleGrid>
    </Stack>
  );
}

/** Where an item stands, in words: its place in the queue, its newest log line, its error. */
export function itemMessage(item: Pick<GenerationItem, "status" | "queue_position" | "log" | "error">): string {
  if (item.status === "failed") return item.error || item.log;
  if (item.status === "pending" || (item.status === "running" && item.queue_position != null)) {
    const place = item.queue_position != null ? `In the provider's queue, position ${item.queue_position + 1}` : "Waiting to start";
    return item.log ? `${place} · ${item.log}` : place;
  }
  return item.log;
}

function ItemRow({ item, canWrite }: { item: GenerationItem; canWrite: boolean }) {
  const retry = useLookdevAction(() => post<GenerationItem>(`/api/generation-items/${item.id}/retry/`, {}), storeItem);
  const cancel = useLookdevAction(() => post<GenerationItem>(`/api/generation-items/${item.id}/cancel/`, {}), storeItem);
  const act = (mutation: typeof retry, title: string) => mutation.mutate(undefined, { onError: (e) => notifications.show({ color: "red", title, message: failMessage(e) }) });
  const message = itemMessage(item);
  return (
    <Table.Tr data-testid="order-item" data-item-id={item.id} data-index={item.index} data-status={item.status} data-progress={item.progress}>
      <Table.Td>{item.index}</Table.Td>
      <Table.Td><ParameterBadges parameters={item.parameters} skip={["prompt"]} />
        {typeof item.parameters.prompt === "string" && <Text size="xs" c="dimmed" lineClamp={2} mt={2}>{item.parameters.prompt}</Text>}
      </Table.Td>
      <Table.Td><StatusBadge status={item.status} testId="item-status" /></Table.Td>
      <Table.Td>
        <StatusBar status={item.status} progress={item.progress} label={`Item ${item.index}`} testId="item-progress" />
        {message && <Text size="xs" c={item.status === "failed" ? "red" : "dimmed"} mt={4} lineClamp={3} data-testid="item-message" style={{ whiteSpace: "pre-wrap" }}>{message}</Text>}
        {item.attempts > 1 && <Text size="xs" c="dimmed">Attempt {item.attempts}</Text>}
      </Table.Td>
      <Table.Td><Text size="sm">{usd(item.cost_usd)}</Text></Table.Td>
      <Table.Td>
        {canWrite && ACTIVE.has(item.status) && (
          <Button size="xs" variant="light" color="red" loading={cancel.isPending} onClick={() => act(cancel, "The item was not cancelled")}
            aria-label={`Cancel item ${item.index}`} data-testid="item-cancel">Cancel</Button>
        )}
        {canWrite && (item.status === "failed" || item.status === "cancelled") && (
          <Button size="xs" variant="light" loading={retry.isPending} onClick={() => act(retry, "The item was not retried")}
            aria-label={`Retry item ${item.index}`} data-testid="item-retry">Retry</Button>
        )}
      </Table.Td>
    </Table.Tr>
  );
}
