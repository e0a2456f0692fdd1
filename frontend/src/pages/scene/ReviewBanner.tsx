// A scene a new screenplay version changed or dropped: say why, and let the crew mark it reviewed.
import { Alert, Button, Group, Text } from "@mantine/core";
import { IconAlertTriangle, IconCheck } from "@tabler/icons-react";
import { memo } from "react";
import type { Scene } from "../../api/types";
import type { SceneSaver } from "./useSceneSave";

const sentence = (text: string) => (/[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);

export const ReviewBanner = memo(function ReviewBanner({ scene, saver, canWrite }: { scene: Scene; saver: SceneSaver; canWrite: boolean }) {
  if (!scene.needs_review) return null;
  const saving = saver.saving.has(scene.id);
  return (
    <Alert color="yellow" variant="light" icon={<IconAlertTriangle size={18} />} title="Needs review" data-testid="review-banner">
      <Group justify="space-between" wrap="wrap" gap="xs">
        <Text size="sm" data-testid="review-reason">{sentence(scene.review_reason || "The screenplay changed this scene")} Check its shots, breakdown and continuity.</Text>
        {canWrite && (
          <Button size="xs" color="yellow" variant="filled" leftSection={<IconCheck size={16} />} loading={saving} data-testid="mark-reviewed"
            onClick={() => void saver.save(scene, { needs_review: false })}>
            Mark reviewed
          </Button>
        )}
      </Group>
    </Alert>
  );
});
