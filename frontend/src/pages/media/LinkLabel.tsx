// "Sc 12 / Sh 12A / Tk 3 (circled)": what an asset is linked to, the scene linking to its page.
import { Anchor, Text } from "@mantine/core";
import { Link } from "react-router-dom";
import { useScenes, useShots, useTakes } from "../../api/hooks";
import type { Id, MediaAsset } from "../../api/types";

export function LinkLabel({ production, asset }: { production: Id; asset: Pick<MediaAsset, "scene" | "shot" | "take"> }) {
  const scenes = useScenes(production);
  const shots = useShots(asset.scene ?? 0, asset.scene != null);
  const takes = useTakes(asset.scene ?? 0, asset.scene != null);
  if (asset.scene == null && asset.take == null) return <Text size="sm" c="dimmed" data-testid="asset-link">Not linked to a take</Text>;
  const scene = scenes.data?.find((s) => s.id === asset.scene);
  const take = takes.data?.find((t) => t.id === asset.take);
  const shot = shots.data?.find((s) => s.id === (asset.shot ?? take?.shot));
  const parts = [scene ? `Sc ${scene.number}` : "Scene", shot && `Sh ${shot.number}`, take && `Tk ${take.number}${take.circled ? " (circled)" : ""}${take.no_good ? " (NG)" : ""}`];
  return (
    <Anchor component={Link} to={`/productions/${production}/scenes/${asset.scene}`} size="sm" data-testid="asset-link">
      {parts.filter(Boolean).join(" / ")}
    </Anchor>
  );
}
