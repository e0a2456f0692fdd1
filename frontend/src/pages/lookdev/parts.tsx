// Pieces the look-development screens share: status badges and bars, the product card, labels of targets and shots.
import { ActionIcon, AspectRatio, Badge, Box, Button, Card, Checkbox, Group, Image, Progress, Stack, Text, Tooltip } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconPhotoPlus, IconStar, IconStarFilled } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { ApiError } from "../../api/client";
import { patch, useScenes } from "../../api/hooks";
import {
  listAll, productParameters, productUrls, storeProduct, useLookdevAction, type GenerationProduct, type ItemStatus, type OrderStatus,
} from "../../api/lookdev";
import type { Id, Scene, Shot } from "../../api/types";
import { percent } from "../media/format";

export const statusColors: Record<OrderStatus | ItemStatus, string> = {
  pending: "gray", running: "blue", succeeded: "green", failed: "red", cancelled: "dark", partial: "orange",
};
export const ACTIVE = new Set(["pending", "running"]);

/** "guidance_scale" → "Guidance scale". */
export function humanize(name: string): string {
  const words = name.replace(/_/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A refusal's message, or the connection's. */
export const failMessage = (e: unknown) => (e instanceof ApiError ? e.message : "The server could not be reached. Try again.");

export function StatusBadge({ status, testId = "status" }: { status: OrderStatus | ItemStatus; testId?: string }) {
  return <Badge color={statusColors[status]} variant="light" data-testid={testId} style={{ flexShrink: 0, overflow: "visible" }}>{status}</Badge>;
}

/** The progress bar of an order or item (`data-progress` 0..1), named for screen readers. */
export function StatusBar({ status, progress, label, testId }: { status: OrderStatus | ItemStatus; progress: number; label: string; testId: string }) {
  const value = status === "succeeded" ? 100 : percent(progress);
  const color = status === "failed" ? "red" : status === "succeeded" ? "green" : status === "cancelled" ? "gray" : status === "partial" ? "orange" : "blue";
  return (
    <Progress value={value} color={color} striped={ACTIVE.has(status)} animated={status === "running"} aria-label={`${label}: ${value}%`}
      data-testid={testId} data-status={status} data-progress={progress} />
  );
}

/** Parameters as short "name value" badges. */
export function ParameterBadges({ parameters, skip = [] }: { parameters: Record<string, unknown>; skip?: string[] }) {
  return (
    <Group gap={4}>
      {Object.entries(parameters).filter(([k]) => !skip.includes(k)).map(([k, v]) => (
        <Badge key={k} size="sm" variant="outline" color="gray" tt="none">{humanize(k)}: {String(v)}</Badge>
      ))}
    </Group>
  );
}

/** Every shot of the production, with its scene's number for a label ("Scene 3 · shot 3A"), in script order. */
export function useProductionShots(production: Id) {
  const scenes = useScenes(production);
  const shots = useQuery({ queryKey: ["production-shots", production], queryFn: () => listAll<Shot>(`/api/shots/?production=${production}&ordering=order`) });
  const byId = new Map<Id, Scene>((scenes.data ?? []).map((s) => [s.id, s]));
  const list = [...(shots.data ?? [])].sort((a, b) => (byId.get(a.scene)?.script_order ?? 0) - (byId.get(b.scene)?.script_order ?? 0) || a.order - b.order);
  return { shots: list, label: (shot: Shot) => `Scene ${byId.get(shot.scene)?.number ?? "?"} · shot ${shot.number}`, isPending: shots.isPending };
}

/** A product: its picture (or video), favourite toggle, compare choice and "use as frame". */
export function ProductCard({ product, machineLabel, canWrite, comparing, onCompare, onUseAsFrame }: {
  product: GenerationProduct; machineLabel: string; canWrite: boolean;
  comparing?: boolean; onCompare?: (on: boolean) => void; onUseAsFrame?: () => void;
}) {
  const { picture, file, kind } = productUrls(product);
  const parameters = productParameters(product);
  const prompt = typeof parameters.prompt === "string" ? parameters.prompt : "";
  const name = `Product ${product.id}`;
  const favourite = useLookdevAction(
    (on: boolean) => patch<GenerationProduct>(`/api/generation-products/${product.id}/`, { favourite: on, version: product.version }),
    storeProduct,
  );
  const toggle = () => favourite.mutate(!product.favourite, {
    onError: (e) => notifications.show({ color: "red", title: "Favourite not changed", message: failMessage(e) }),
  });
  const label = product.favourite ? `Remove ${name} from favourites` : `Mark ${name} as favourite`;
  return (
    <Card withBorder padding={6} data-testid="product" data-product-id={product.id} data-order-id={product.order} data-favourite={product.favourite || undefined}>
      <Box pos="relative">
        <AspectRatio ratio={16 / 9}>
          {kind === "video" && file
            ? <video src={file} poster={picture ?? undefined} controls preload="none" aria-label={`${name}: ${prompt || "video"}`} style={{ width: "100%", objectFit: "cover" }} />
            : picture ? <Image src={picture} alt={prompt ? `${name}: ${prompt}` : name} fit="cover" radius="sm" loading="lazy" />
            : <Text size="sm" c="dimmed" ta="center">No picture</Text>}
        </AspectRatio>
        {canWrite && (
          <Tooltip label={label}>
            <ActionIcon pos="absolute" top={4} right={4} variant="filled" color={product.favourite ? "yellow" : "dark"} size={32} loading={favourite.isPending}
              aria-label={label} aria-pressed={product.favourite} onClick={toggle} data-testid="product-favourite">
              {product.favourite ? <IconStarFilled size={16} /> : <IconStar size={16} />}
            </ActionIcon>
          </Tooltip>
        )}
      </Box>
      <Stack gap={4} mt={6}>
        <Text size="xs" c="dimmed" lineClamp={2} title={prompt}>
          {machineLabel} · order {product.order}{typeof parameters.seed !== "undefined" ? ` · seed ${String(parameters.seed)}` : ""}
          {prompt ? ` — ${prompt}` : ""}
        </Text>
        <Group gap="xs" justify="space-between" wrap="nowrap">
          {onCompare && (
            <Checkbox size="xs" label="Compare" checked={!!comparing} onChange={(e) => onCompare(e.currentTarget.checked)}
              aria-label={`Compare ${name}`} data-testid="product-compare" />
          )}
          {canWrite && onUseAsFrame && kind === "image" && (
            <Button size="compact-xs" variant="light" leftSection={<IconPhotoPlus size={14} />} onClick={onUseAsFrame}
              aria-label={`Use as frame: ${name}`} data-testid="product-use-as-frame">
              Use as frame
            </Button>
          )}
        </Group>
      </Stack>
    </Card>
  );
}
