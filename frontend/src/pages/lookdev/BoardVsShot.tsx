// Board vs shot: a shot's storyboard frames next to the poster of the take actually filmed for it (circled/printed),
// from `GET /api/shots/{id}/board/`; fetched again when a frame or a take of the shot changes (realtime/dispatch.ts).
import { Alert, AspectRatio, Card, Group, Image, Loader, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { IconMovie } from "@tabler/icons-react";
import { useShotBoard, type ShotBoard } from "../../api/lookdev";
import type { Id, MediaAsset } from "../../api/types";
import { renditionOf } from "../media/format";

/** "Take 3", from the board's filmed take (an id or the take). */
export function filmedLabel(filmed: NonNullable<ShotBoard["filmed"]>): string {
  const number = typeof filmed.take === "object" ? filmed.take.number : filmed.take_number;
  return number != null ? `Take ${number}` : "The filmed take";
}

const frameSrc = (asset: MediaAsset) => renditionOf(asset, "poster")?.url ?? asset.original_url;

export function BoardVsShot({ shot }: { shot: Id }) {
  const board = useShotBoard(shot);
  const frames = board.data?.frames ?? [];
  const filmed = board.data?.filmed ?? null;
  return (
    <Stack gap="xs" data-testid="board-vs-shot" data-frames={frames.length} data-filmed={filmed ? true : undefined}>
      <Group gap="xs"><IconMovie size={18} aria-hidden /><Title order={3} size="h5">Board vs shot</Title></Group>
      {board.isPending && <Loader size="sm" />}
      {board.error && <Alert color="red">{board.error.message}</Alert>}
      {board.data && (
        <SimpleGrid cols={2} spacing="xs">
          <Card withBorder padding={6}>
            <Text size="sm" fw={600} mb={4}>Storyboard ({frames.length})</Text>
            {frames.length === 0 ? <Text size="sm" c="dimmed">No frames yet.</Text> : (
              <SimpleGrid cols={frames.length > 1 ? 2 : 1} spacing={4}>
                {frames.map((f) => (
                  <AspectRatio key={f.id} ratio={16 / 9}>
                    <Image src={frameSrc(f)} alt={`Storyboard frame ${f.original_name}`} fit="cover" radius="sm" loading="lazy" data-testid="board-frame" />
                  </AspectRatio>
                ))}
              </SimpleGrid>
            )}
          </Card>
          <Card withBorder padding={6}>
            <Text size="sm" fw={600} mb={4}>{filmed ? `Filmed · ${filmedLabel(filmed)}` : "Filmed"}</Text>
            {filmed?.poster_url ? (
              <AspectRatio ratio={16 / 9}>
                <Image src={filmed.poster_url} alt={`Poster of ${filmedLabel(filmed).toLowerCase()}`} fit="cover" radius="sm" data-testid="board-filmed-poster" />
              </AspectRatio>
            ) : <Text size="sm" c="dimmed">{filmed ? "Its clip is still being processed." : "Not filmed yet: circle a take with a processed clip."}</Text>}
          </Card>
        </SimpleGrid>
      )}
    </Stack>
  );
}
