// Every product of the production, filtered by shot, scene, order, machine and favourite (the filters live in the URL),
// with a favourite toggle, two products compared side by side, and "use as storyboard frame" on a shot. Live.
import { Alert, Badge, Button, Card, Group, Image, Modal, Select, SimpleGrid, Stack, Switch, Table, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconArrowsLeftRight } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useSearchParams } from "react-router-dom";
import { post, useScenes } from "../../api/hooks";
import { keys } from "../../api/keys";
import {
  FILTER_NAMES, lookdevKeys, productParameters, productUrls, useMachines, useOrders, useProducts, type GenerationProduct, type ProductFilters,
} from "../../api/lookdev";
import type { Id, MediaAsset } from "../../api/types";
import { failMessage, humanize, ProductCard, useProductionShots } from "./parts";

export function Gallery({ production, canWrite }: { production: Id; canWrite: boolean }) {
  const [search, setSearch] = useSearchParams();
  const filters: ProductFilters = Object.fromEntries(FILTER_NAMES.filter((n) => search.get(n)).map((n) => [n, search.get(n) as string]));
  const products = useProducts(production, filters);
  const machines = useMachines().data ?? [];
  const orders = useOrders(production).data ?? [];
  const scenes = useScenes(production).data ?? [];
  const { shots, label } = useProductionShots(production);
  const [compare, setCompare] = useState<Id[]>([]);
  const [comparing, setComparing] = useState(false);
  const [framing, setFraming] = useState<GenerationProduct | null>(null);
  const labelOf = (id: string | undefined) => machines.find((m) => m.id === id)?.label ?? id ?? "";
  const orderMachine = new Map(orders.map((o) => [o.id, o.machine]));
  const list = products.data ?? [];
  const chosen = compare.map((id) => list.find((p) => p.id === id)).filter((p): p is GenerationProduct => !!p);

  const setFilter = (name: keyof ProductFilters, value: string | null) => {
    setSearch((old) => {
      const next = new URLSearchParams(old);
      if (value) next.set(name, value); else next.delete(name);
      return next;
    }, { replace: true });
  };
  const toggleCompare = (id: Id, on: boolean) => setCompare((old) => (on ? [...old.filter((x) => x !== id), id].slice(-2) : old.filter((x) => x !== id)));

  return (
    <Stack gap="md" data-testid="gallery">
      <Group justify="space-between" align="flex-end">
        <Title order={2} size="h3">Gallery</Title>
        <Button leftSection={<IconArrowsLeftRight size={16} />} disabled={chosen.length !== 2} onClick={() => setComparing(true)} data-testid="gallery-compare">
          Compare{chosen.length ? ` (${chosen.length} of 2)` : ""}
        </Button>
      </Group>
      <Group gap="sm" align="flex-end" wrap="wrap" role="group" aria-label="Filters">
        <Select label="Shot" placeholder="All shots" clearable searchable data={shots.map((s) => ({ value: String(s.id), label: label(s) }))}
          value={filters.shot ?? null} onChange={(v) => setFilter("shot", v)} w={200} data-testid="filter-shot" />
        <Select label="Scene" placeholder="All scenes" clearable searchable data={scenes.map((s) => ({ value: String(s.id), label: `Scene ${s.number}` }))}
          value={filters.scene ?? null} onChange={(v) => setFilter("scene", v)} w={160} data-testid="filter-scene" />
        <Select label="Order" placeholder="All orders" clearable searchable data={orders.map((o) => ({ value: String(o.id), label: `Order ${o.id} · ${labelOf(o.machine)}` }))}
          value={filters.order ?? null} onChange={(v) => setFilter("order", v)} w={220} data-testid="filter-order" />
        <Select label="Machine" placeholder="All machines" clearable data={machines.map((m) => ({ value: m.id, label: m.label }))}
          value={filters.machine ?? null} onChange={(v) => setFilter("machine", v)} w={240} data-testid="filter-machine" />
        <Switch label="Favourites only" checked={filters.favourite === "true"} onChange={(e) => setFilter("favourite", e.currentTarget.checked ? "true" : null)}
          data-testid="filter-favourite" mb={8} />
      </Group>
      {products.error && <Alert color="red" role="alert">{products.error.message}</Alert>}
      {products.isPending && <Text c="dimmed">Loading the gallery…</Text>}
      {products.data && list.length === 0 && (
        <Text c="dimmed" data-testid="gallery-empty">{Object.keys(filters).length ? "Nothing matches these filters." : "No products yet: each order's files show here as they are made."}</Text>
      )}
      <SimpleGrid cols={{ base: 2, sm: 3, lg: 4 }} spacing="sm" data-testid="gallery-products" data-count={list.length}>
        {list.map((p) => (
          <ProductCard key={p.id} product={p} machineLabel={labelOf(p.machine ?? orderMachine.get(p.order))} canWrite={canWrite}
            comparing={compare.includes(p.id)} onCompare={(on) => toggleCompare(p.id, on)} onUseAsFrame={() => setFraming(p)} />
        ))}
      </SimpleGrid>
      <Modal opened={comparing && chosen.length === 2} onClose={() => setComparing(false)} title="Compare two products" size="90%" data-testid="compare">
        {chosen.length === 2 && <Compare a={chosen[0] as GenerationProduct} b={chosen[1] as GenerationProduct} labelOf={(p) => labelOf(p.machine ?? orderMachine.get(p.order))} />}
      </Modal>
      <Modal opened={framing !== null} onClose={() => setFraming(null)} title="Use as a storyboard frame" data-testid="use-as-frame">
        {framing && <UseAsFrame product={framing} production={production} onDone={() => setFraming(null)} />}
      </Modal>
    </Stack>
  );
}

/** Two products side by side, with the parameters that differ marked. */
export function Compare({ a, b, labelOf }: { a: GenerationProduct; b: GenerationProduct; labelOf: (p: GenerationProduct) => string }) {
  const pa = productParameters(a), pb = productParameters(b);
  const names = [...new Set([...Object.keys(pa), ...Object.keys(pb)])];
  const differs = (n: string) => JSON.stringify(pa[n]) !== JSON.stringify(pb[n]);
  return (
    <Stack>
      <SimpleGrid cols={2} spacing="sm">
        {[a, b].map((p) => {
          const { picture } = productUrls(p);
          return (
            <Card key={p.id} withBorder padding={6} data-testid="compare-side" data-product-id={p.id}>
              {picture ? <Image src={picture} alt={`Product ${p.id}`} fit="contain" radius="sm" /> : <Text c="dimmed">No picture</Text>}
              <Text size="sm" mt={4}>Product {p.id} · order {p.order} · {labelOf(p)}</Text>
            </Card>
          );
        })}
      </SimpleGrid>
      <Table data-testid="compare-parameters">
        <Table.Thead><Table.Tr><Table.Th>Parameter</Table.Th><Table.Th>Product {a.id}</Table.Th><Table.Th>Product {b.id}</Table.Th></Table.Tr></Table.Thead>
        <Table.Tbody>
          {names.map((n) => (
            <Table.Tr key={n} data-differs={differs(n) || undefined}>
              <Table.Td>{humanize(n)} {differs(n) && <Badge size="xs" color="orange" variant="light">differs</Badge>}</Table.Td>
              <Table.Td fw={differs(n) ? 700 : undefined}>{pa[n] === undefined ? "—" : String(pa[n])}</Table.Td>
              <Table.Td fw={differs(n) ? 700 : undefined}>{pb[n] === undefined ? "—" : String(pb[n])}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

/** Choose a shot; the product becomes one of its storyboard frames (`POST /api/generation-products/{id}/use-as-frame/`). */
function UseAsFrame({ product, production, onDone }: { product: GenerationProduct; production: Id; onDone: () => void }) {
  const qc = useQueryClient();
  const { shots, label } = useProductionShots(production);
  const initial = product.shot ?? (typeof product.media_asset === "object" ? product.media_asset.shot : null);
  const [shot, setShot] = useState<string | null>(initial != null ? String(initial) : null);
  const use = useMutation({
    mutationFn: () => post<MediaAsset>(`/api/generation-products/${product.id}/use-as-frame/`, { shot: Number(shot) }),
    onSuccess: (asset) => {
      const id = asset?.shot ?? Number(shot);
      void qc.invalidateQueries({ queryKey: keys.shotImages(id) });
      void qc.invalidateQueries({ queryKey: lookdevKeys.board(id) });
      const target = shots.find((s) => s.id === id);
      notifications.show({ color: "green", message: `Product ${product.id} is now a storyboard frame of ${target ? label(target) : "the shot"}.` });
      onDone();
    },
  });
  return (
    <Stack>
      <Select label="Shot" placeholder="Choose a shot" searchable data={shots.map((s) => ({ value: String(s.id), label: label(s) }))} value={shot} onChange={setShot}
        error={use.error ? failMessage(use.error) : undefined} data-testid="use-as-frame-shot" data-autofocus />
      <Group justify="flex-end">
        <Button variant="default" onClick={onDone}>Cancel</Button>
        <Button onClick={() => use.mutate()} disabled={!shot} loading={use.isPending} data-testid="use-as-frame-submit">Use as frame</Button>
      </Group>
    </Stack>
  );
}
